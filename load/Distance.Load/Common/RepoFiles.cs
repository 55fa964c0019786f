namespace Distance.Load.Common;

internal static class RepoFiles
{
    /// <summary>The folder holding Distance.sln, from the working directory upwards.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Distance.sln")))
                return dir.FullName;
        throw new ArgumentException("run from inside the repository (Distance.sln not found)");
    }

    /// <summary>The local cluster's Development signing key (Auth/DevelopmentSigningKey.cs writes it).</summary>
    public static string SigningKeyPath() => Path.Combine(Root(), ".local", "jwt-signing.key");

    public static string UniversitiesCsv() => Path.Combine(Root(), "Distance.Data", "Schools", "universities.csv");
}
