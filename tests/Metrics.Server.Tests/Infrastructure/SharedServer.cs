using Grpc.Net.Client;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// The server all end-to-end tests share, started once per test run. Each test takes fresh projects with
/// <see cref="NewProject"/>, so tests run in parallel without seeing each other's data or watermark.
/// </summary>
public sealed class SharedServer
{
    private static readonly Lazy<Task<SharedServer>> Instance = new(StartAsync);
    private static int _nextProject;

    private SharedServer(MetricsServerProcess process)
    {
        Process = process;
        Channel = process.CreateChannel();
        Http = process.CreateHttpClient();
    }

    public MetricsServerProcess Process { get; }

    public GrpcChannel Channel { get; }

    public HttpClient Http { get; }

    public static Task<SharedServer> GetAsync() => Instance.Value;

    public ProjectKeys NewProject()
    {
        var index = Interlocked.Increment(ref _nextProject) - 1;
        if (index >= TestServers.ProjectCount)
            throw new InvalidOperationException($"raise TestServers.ProjectCount: more than {TestServers.ProjectCount} projects taken");
        return TestProject.Of(index);
    }

    public IngestService.IngestServiceClient Ingest => new(Channel);

    public ReadinessService.ReadinessServiceClient Readiness => new(Channel);

    public LogstreamService.LogstreamServiceClient Logstream => new(Channel);

    public MetricsService.MetricsServiceClient Metrics => new(Channel);

    /// <summary>At the end of the test run (<see cref="TestRunFramework"/>): stops the server, if a test started it.</summary>
    public static async Task StopAsync()
    {
        if (!Instance.IsValueCreated || !Instance.Value.IsCompletedSuccessfully)
            return; // never started, or its start failed and cleaned up after itself
        var shared = await Instance.Value;
        shared.Channel.Dispose();
        shared.Http.Dispose();
        await shared.Process.DisposeAsync();
    }

    private static async Task<SharedServer> StartAsync() => new(await TestServers.StartAsync());
}
