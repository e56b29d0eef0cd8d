using Grpc.Net.Client;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// A server tests share, each taking fresh projects with <see cref="NewProject"/>, so that they run in parallel
/// without seeing each other's data or watermark: the one of the whole test run (<see cref="GetAsync"/>), or the
/// one a collection of heavy tests keeps to itself (<see cref="HeavyTestsServer"/>).
/// </summary>
public sealed class SharedServer : IAsyncDisposable
{
    private static readonly Lazy<Task<SharedServer>> Instance = new(StartAsync);
    private int _nextProject;

    private SharedServer(MetricsServerProcess process)
    {
        Process = process;
        Channel = process.CreateChannel();
        Http = process.CreateHttpClient();
    }

    public MetricsServerProcess Process { get; }

    public GrpcChannel Channel { get; }

    public HttpClient Http { get; }

    /// <summary>The server of the whole test run, started by the first test that asks for it.</summary>
    public static Task<SharedServer> GetAsync() => Instance.Value;

    /// <summary>A server of its own, in the storage mode of the test run.</summary>
    public static async Task<SharedServer> StartAsync() => new(await TestServers.StartAsync());

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

    /// <summary>At the end of the test run (<see cref="TestRunFramework"/>): stops the run's server, if a test started it.</summary>
    public static async Task StopAsync()
    {
        if (!Instance.IsValueCreated || !Instance.Value.IsCompletedSuccessfully)
            return; // never started, or its start failed and cleaned up after itself
        await (await Instance.Value).DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Http.Dispose();
        await Process.DisposeAsync();
    }
}
