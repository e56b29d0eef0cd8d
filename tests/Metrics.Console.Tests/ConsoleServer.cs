using Grpc.Net.Client;
using Metrics.Contracts.V1;

namespace Metrics.Console.Tests;

/// <summary>
/// One embedded server with <see cref="Projects"/> projects and one headless Chromium for the console tests; each
/// test takes a project of its own (so its catalog and Logstream hold only what it wrote) and a browser context of
/// its own (so its session storage is its own).
/// </summary>
public sealed class ConsoleServer : IAsyncLifetime
{
    private const int Projects = 40;

    private int _nextProject;

    public MetricsServerProcess Server { get; private set; } = null!;

    public ChromiumBrowser Chromium { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public IngestService.IngestServiceClient Ingest => new(Channel);

    public MetricsService.MetricsServiceClient Metrics => new(Channel);

    public ReadinessService.ReadinessServiceClient Readiness => new(Channel);

    public ImportService.ImportServiceClient Imports => new(Channel);

    /// <summary>The Root of every project's <c>files</c> source.</summary>
    public DirectoryInfo Files { get; } = Directory.CreateTempSubdirectory("metrics-console-files-");

    public async Task InitializeAsync()
    {
        Server = await FileSourceServer.StartAsync("c", Projects, Files.FullName);
        Channel = Server.CreateChannel();
        Chromium = await ChromiumBrowser.LaunchAsync();
    }

    public ProjectKeys NewProject()
    {
        var index = Interlocked.Increment(ref _nextProject) - 1;
        return index < Projects ? new ProjectKeys($"c{index}") : throw new InvalidOperationException($"raise ConsoleServer.Projects: more than {Projects} taken");
    }

    /// <summary>A page of a new browser context at <paramref name="width"/> × <paramref name="height"/>, whose script errors and Content-Security-Policy violations <paramref name="problems"/> collects.</summary>
    public async Task<IPage> NewPageAsync(List<string> problems, int width = 1280, int height = 900)
    {
        var context = await Chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.JsonAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                problems.Add($"console: {message.Text}");
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        return page;
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        await Chromium.DisposeAsync();
        await Server.DisposeAsync();
        Files.Delete(recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleServer>
{
    public const string Name = "console";
}
