using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Distance.Realtime.WebClient;

/// <summary>One file of the page, ready to send: its bytes as stored, brotli and gzip, and a content hash.</summary>
internal sealed record WebClientAsset(string ContentType, string Hash, byte[] Identity, byte[]? Brotli, byte[]? Gzip, bool Revalidate);

/// <summary>
/// The page's files, read and compressed once at start-up (about 100 KB, so memory is no concern
/// and no request pays for compression). Every file gets a content hash; <c>index.html</c> and
/// <c>sw.js</c> are rewritten to name the others with <c>?v=hash</c> (the modules through an import
/// map), so those URLs can be cached for a year while the two entry points are revalidated.
/// </summary>
internal sealed partial class WebClientAssets
{
    private const string IndexPath = "/index.html";
    private const string ServiceWorkerPath = "/sw.js";
    private static readonly FileExtensionContentTypeProvider ContentTypes = CreateContentTypes();
    private readonly Dictionary<string, WebClientAsset> assets = new(StringComparer.Ordinal);

    public WebClientAssets(IFileProvider root, bool development)
    {
        var raw = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        Collect(root, "", raw);
        var hashes = raw.ToDictionary(pair => pair.Key, pair => HashOf(pair.Value), StringComparer.Ordinal);
        foreach (var (path, bytes) in raw)
        {
            var content = path switch
            {
                IndexPath => Encoding.UTF8.GetBytes(RenderIndex(Encoding.UTF8.GetString(bytes), hashes, development)),
                ServiceWorkerPath => Encoding.UTF8.GetBytes(RenderServiceWorker(Encoding.UTF8.GetString(bytes), hashes)),
                _ => bytes,
            };
            assets[path] = Build(path, content, revalidate: path is IndexPath or ServiceWorkerPath);
        }
    }

    public bool TryGet(string path, out WebClientAsset asset) =>
        assets.TryGetValue(path == "/" ? IndexPath : path, out asset!);

    /// <summary>The versioned URL of every file but the entry points: what the service worker keeps for offline use.</summary>
    private static List<string> VersionedUrls(Dictionary<string, string> hashes) =>
        hashes.Where(pair => pair.Key is not (IndexPath or ServiceWorkerPath))
            .Select(pair => $"{pair.Key}?v={pair.Value}").Order(StringComparer.Ordinal).ToList();

    private static string RenderIndex(string html, Dictionary<string, string> hashes, bool development)
    {
        var imports = hashes.Where(pair => pair.Key.StartsWith("/js/", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => $"{pair.Key}?v={pair.Value}");
        var importMap = $"<script type=\"importmap\">{JsonSerializer.Serialize(new { imports })}</script>";
        html = html.Replace("<!-- importmap -->", importMap, StringComparison.Ordinal)
            .Replace("data-dev=\"false\"", development ? "data-dev=\"true\"" : "data-dev=\"false\"", StringComparison.Ordinal);
        return AssetReference().Replace(html, match =>
            hashes.TryGetValue(match.Groups["path"].Value, out var hash) ? $"{match.Value}?v={hash}" : match.Value);
    }

    private static string RenderServiceWorker(string script, Dictionary<string, string> hashes)
    {
        var urls = VersionedUrls(hashes);
        var version = HashOf(Encoding.UTF8.GetBytes(string.Join('\n', urls) + hashes[IndexPath]));
        return script.Replace("'__VERSION__'", JsonSerializer.Serialize(version), StringComparison.Ordinal)
            .Replace("[/* __ASSETS__ */]", JsonSerializer.Serialize(urls), StringComparison.Ordinal);
    }

    private static WebClientAsset Build(string path, byte[] content, bool revalidate)
    {
        ContentTypes.TryGetContentType(path, out var contentType);
        contentType ??= "application/octet-stream";
        if (contentType.StartsWith("text/", StringComparison.Ordinal) || contentType.EndsWith("json", StringComparison.Ordinal))
            contentType += "; charset=utf-8";
        // PNGs are compressed already; compressing them again only costs the client CPU.
        var compressible = !contentType.StartsWith("image/png", StringComparison.Ordinal) && content.Length > 256;
        return new WebClientAsset(contentType, HashOf(content), content,
            compressible ? Compress(content, stream => new BrotliStream(stream, CompressionLevel.SmallestSize)) : null,
            compressible ? Compress(content, stream => new GZipStream(stream, CompressionLevel.SmallestSize)) : null,
            revalidate);
    }

    private static byte[] Compress(byte[] content, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var stream = compressor(output))
            stream.Write(content);
        return output.ToArray();
    }

    private static void Collect(IFileProvider root, string directory, Dictionary<string, byte[]> into)
    {
        foreach (var entry in root.GetDirectoryContents(directory))
        {
            var path = $"{directory}/{entry.Name}";
            if (entry.IsDirectory)
            {
                Collect(root, path, into);
                continue;
            }
            // A publish leaves its own .br/.gz beside each file; this class compresses for itself.
            if (path.EndsWith(".br", StringComparison.Ordinal) || path.EndsWith(".gz", StringComparison.Ordinal))
                continue;
            using var stream = entry.CreateReadStream();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            into[path] = copy.ToArray();
        }
    }

    private static string HashOf(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content))[..12];

    private static FileExtensionContentTypeProvider CreateContentTypes()
    {
        var provider = new FileExtensionContentTypeProvider();
        provider.Mappings[".webmanifest"] = "application/manifest+json";
        provider.Mappings[".js"] = "text/javascript";
        provider.Mappings[".mjs"] = "text/javascript";
        return provider;
    }

    /// <summary>A root-relative href or src without a query: the references index.html makes to its files.</summary>
    [GeneratedRegex("""(?<=(?:href|src)=")(?<path>/[^"?#]+)(?=")""")]
    private static partial Regex AssetReference();
}
