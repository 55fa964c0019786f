using System.Security.Cryptography;

namespace Distance.Realtime.Identity;

/// <summary>
/// Development only: a random signing key kept in the ignored .local/ folder, so a developer
/// needs no secret in the repo and tokens survive restarts of the local node.
/// </summary>
internal static class DevelopmentSigningKey
{
    public static string LoadOrCreate(string contentRoot, string fileName = "jwt-signing.key")
    {
        var folder = Path.Combine(FindRepoRoot(contentRoot), ".local");
        var path = Path.Combine(folder, fileName);
        if (File.Exists(path))
            return File.ReadAllText(path).Trim();

        Directory.CreateDirectory(folder);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var temporary = path + "." + Environment.ProcessId;
        File.WriteAllText(temporary, key);
        // Nodes starting together may race: whoever moves first wins, the others read the winner.
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temporary);
        }
        return File.ReadAllText(path).Trim();
    }

    private static string FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Distance.sln")))
                return dir.FullName;
        return start;
    }
}
