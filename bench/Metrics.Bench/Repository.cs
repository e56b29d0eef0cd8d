namespace Metrics.Bench;

/// <summary>Where the repository and the server build are, seen from the harness's own build output.</summary>
public static class Repository
{
    /// <summary>The folder holding Metrics.sln above the harness (else the current directory).</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Metrics.sln")))
                return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }

    /// <summary>services/Metrics.Server/bin/{configuration}/{framework}/Metrics.Server.dll, in the harness's own configuration.</summary>
    public static string DefaultServerAssembly(string root)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // bench/Metrics.Bench/bin/{configuration}/{framework}
        return Path.Combine(root, "services", "Metrics.Server", "bin", output.Parent!.Name, output.Name, "Metrics.Server.dll");
    }
}
