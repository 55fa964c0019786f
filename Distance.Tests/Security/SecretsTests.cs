using System.Diagnostics;
using System.Text.RegularExpressions;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Security;

/// <summary>No secret in the repository, none defaulted by the deployment files, and a boot that refuses placeholders.</summary>
[Collection(nameof(SecurityCollection))]
public sealed partial class SecretsTests(SecurityFixture fixture)
{
    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}|xox[bap]-[0-9A-Za-z-]{10,}|gh[pousr]_[0-9A-Za-z]{30,}")]
    private static partial Regex KeyMaterial();

    /// <summary>A secret-looking setting given a literal value, in configuration and scripts (not code, where tests name throwaway passwords).</summary>
    [GeneratedRegex(@"(?i)(password|passwd|secret|api_?key|signing_?key|access_?key|token)[""']?\s*[:=]\s*[""']?(?!\$\{|\$\(|<|""\s*$|""""|''|\s*$)[^\s""',;}]{6,}")]
    private static partial Regex LiteralSecret();

    [GeneratedRegex(@"Password=(?!\$\{)[^;""'\s]+", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"\$\{(?<name>[A-Z0-9_]+)(?<rest>[^}]*)\}")]
    private static partial Regex ComposeVariable();

    private static readonly string[] ConfigurationFiles = [".json", ".yml", ".yaml", ".conf", ".env", ".sh", ".toml", ".ini", ".props"];

    /// <summary>Values that are placeholders by construction: scripts/check-deploy.sh validates the compose file with them.</summary>
    private static readonly string[] Placeholders = ["check"];

    [Fact]
    public void NoTrackedFileHoldsAKeyATokenOrAPassword()
    {
        var findings = new List<string>();
        foreach (var file in TrackedFiles())
        {
            var path = Path.Combine(RepoRoot, file);
            if (!File.Exists(path) || new FileInfo(path).Length > 2_000_000)
                continue;
            if (Regex.IsMatch(file, @"(^|/)(\.env|id_rsa|id_ed25519)$|\.(pem|key|pfx|p12|jks)$"))
                findings.Add($"{file}: a key or environment file is tracked");
            var text = File.ReadAllText(path);
            foreach (System.Text.RegularExpressions.Match match in KeyMaterial().Matches(text))
                findings.Add($"{file}: key material '{match.Value[..Math.Min(24, match.Value.Length)]}…'");
            if (!ConfigurationFiles.Contains(Path.GetExtension(file)) && !file.EndsWith("Dockerfile", StringComparison.Ordinal))
                continue;
            foreach (var match in LiteralSecret().Matches(text).Concat(ConnectionStringPassword().Matches(text)))
                if (!Placeholders.Any(p => match.Value.EndsWith("=" + p, StringComparison.Ordinal)))
                    findings.Add($"{file}: a literal secret '{match.Value}'");
        }

        Assert.True(TrackedFiles().Count > 50, "git ls-files found too few files: the scan would prove nothing");
        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void LocalSecretFilesAreIgnoredByGit()
    {
        var ignored = Git("check-ignore", ".local/jwt-signing.key", ".env", "load/out/x").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal([".local/jwt-signing.key", ".env", "load/out/x"], ignored);
    }

    /// <summary>
    /// A secret is required (<c>${NAME:?message}</c>), or optional and then empty when unset
    /// (<c>${NAME:-}</c>: an SMTP account a relay does not need); it never has a value of its own.
    /// </summary>
    [Fact]
    public void TheComposeFileRequiresEverySecretAndDefaultsNone()
    {
        var compose = File.ReadAllText(Path.Combine(RepoRoot, "docker-compose.yml"));
        var secrets = ComposeVariable().Matches(compose)
            .Where(m => Regex.IsMatch(m.Groups["name"].Value, "PASSWORD|KEY|SECRET|TOKEN")).ToList();

        Assert.Contains(secrets, m => m.Groups["name"].Value == "JWT_SIGNING_KEY" && m.Groups["rest"].Value.StartsWith(":?", StringComparison.Ordinal));
        Assert.All(secrets, m => Assert.True(
            m.Groups["rest"].Value.StartsWith(":?", StringComparison.Ordinal) || m.Groups["rest"].Value == ":-",
            $"{m.Value} must be required (${{NAME:?message}}) or empty when unset (${{NAME:-}}), never defaulted"));
    }

    public static TheoryData<string, string, string> PlaceholderSecrets => new()
    {
        { "Jwt:SigningKey", Convert.ToBase64String(new byte[32]), "Jwt:SigningKey is not random" },
        { "Jwt:SigningKey", Convert.ToBase64String("abababababababababababababababab"u8.ToArray()), "Jwt:SigningKey is not random" },
        { "Database:ConnectionString", "Server=127.0.0.1;User ID=distance;Password=changeme;Database=distance", "Database:ConnectionString uses a well-known default" },
        { "Redis:ConnectionString", "127.0.0.1:6380,password=redis", "Redis:ConnectionString uses a well-known default" },
        { "Messaging:Smtp:Password", "password", "Messaging:Smtp:Password is a well-known default" },
        { "Messaging:Smtp:UserName", "mailer", "Messaging:Smtp:Password is required" },
        { "Messaging:Sms:ApiKey", "secret", "Messaging:Sms:ApiKey is a placeholder or a well-known default" },
    };

    [Theory]
    [MemberData(nameof(PlaceholderSecrets))]
    public void OutsideDevelopmentAPlaceholderSecretStopsTheBoot(string key, string value, string expectedInMessage) =>
        BootFailures.AssertTheSettingStopsTheBoot(fixture.Distance.Settings, key, value, expectedInMessage);

    [Fact]
    public void InDevelopmentANonRandomSigningKeyStopsTheBootToo()
    {
        var settings = new Dictionary<string, string?>(fixture.Distance.Settings) { ["Jwt:SigningKey"] = Convert.ToBase64String(new byte[32]) };
        using var node = new DistanceNode(settings);

        var error = Assert.ThrowsAny<Exception>(() => node.Server);

        Assert.Contains("Jwt:SigningKey is not random", error.Message);
    }

    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Distance.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Distance.sln not found above the test output");
    });

    private static string RepoRoot => Root.Value;

    private static IReadOnlyList<string> TrackedFiles() => Git("ls-files").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = RepoRoot, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        Assert.True(git.WaitForExit(10_000), "git did not finish");
        return output;
    }
}
