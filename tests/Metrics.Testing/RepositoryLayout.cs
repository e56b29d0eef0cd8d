namespace Metrics.Testing;

/// <summary>
/// Where the repository and its builds are, seen from the build output of the running assembly — a test
/// project's or the harness's, <c>{project}/bin/{configuration}/{framework}/</c> — so that what it starts is the
/// build of its own configuration.
/// </summary>
public static class RepositoryLayout
{
    /// <summary>The folder holding Metrics.sln, above the running build output.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Metrics.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"Metrics.sln not found above {AppContext.BaseDirectory}");
    }

    /// <summary><c>services/Metrics.Server/bin/{configuration}/{framework}/Metrics.Server.dll</c>, built or not.</summary>
    public static string ServerAssembly() => BuildOutput(Path.Combine("services", "Metrics.Server"), "Metrics.Server.dll");

    /// <summary>
    /// A file of a project's build output in the running assembly's configuration and framework, e.g.
    /// <c>BuildOutput("bench/Metrics.Bench", "Metrics.Bench.dll")</c>; <paramref name="projectDirectory"/> is relative to <see cref="Root"/>.
    /// </summary>
    public static string BuildOutput(string projectDirectory, string fileName)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // bin/{configuration}/{framework}
        return Path.Combine(Root(), projectDirectory, "bin", output.Parent!.Name, output.Name, fileName);
    }
}
