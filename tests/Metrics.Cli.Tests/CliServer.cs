using Metrics.Client;

namespace Metrics.Cli.Tests;

/// <summary>
/// One embedded server for the CLI tests, with <see cref="Projects"/> projects, each with a <c>files</c> source on
/// <see cref="Files"/>; each test takes a project of its own, so that its watermark, catalog and Logstream are its own.
/// </summary>
public sealed class CliServer : IAsyncLifetime
{
    private const int Projects = 60;

    private int _nextProject;

    public MetricsServerProcess Server { get; private set; } = null!;

    /// <summary>The Root of every project's <c>files</c> source, and where the tests write their files.</summary>
    public DirectoryInfo Files { get; } = Directory.CreateTempSubdirectory("metrics-cli-files-");

    public async Task InitializeAsync()
    {
        Server = await FileSourceServer.StartAsync("cli", Projects, Files.FullName);
    }

    public ProjectKeys NewProject()
    {
        var index = Interlocked.Increment(ref _nextProject) - 1;
        return index < Projects ? new ProjectKeys($"cli{index}") : throw new InvalidOperationException($"raise CliServer.Projects: more than {Projects} taken");
    }

    /// <summary>The connection options of every command, for <paramref name="key"/>.</summary>
    public string[] Connect(string key) => ["--url", Server.GrpcAddress.ToString(), "--key", key];

    /// <summary>Runs <c>metrics</c> against this server with <paramref name="key"/>.</summary>
    public Task<CliResult> RunAsync(string key, params string[] args) => CliProcess.RunAsync([.. args, .. Connect(key)]);

    /// <summary>A typed client of <paramref name="project"/> (server secret), to check what the CLI did.</summary>
    public MetricsClient Client(ProjectKeys project) =>
        new(new MetricsClientOptions { Url = Server.GrpcAddress, ApiKey = project.ServerSecret });

    /// <summary>A path under <see cref="Files"/> no test used before.</summary>
    public string NewFile(string extension) => Path.Combine(Files.FullName, $"{Guid.NewGuid():N}{extension}");

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Files.Delete(recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliServer>
{
    public const string Name = "cli";
}
