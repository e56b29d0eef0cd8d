using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>A server of its own whose Logstream retains one byte per project: the newest batch alone is kept, whatever its size.</summary>
public sealed class LogstreamByteRetentionTests : IAsyncLifetime
{
    private MetricsServerProcess _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServers.StartAsync(new Dictionary<string, string> { ["Metrics:Quotas:LogstreamBytes"] = "1" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task RetentionInBytesDropsTheOldestBatches()
    {
        var project = TestProject.Of(0);
        using var channel = _server.CreateChannel();
        var ingest = new IngestService.IngestServiceClient(channel);
        var headers = ProjectKeys.Headers(project.ServerSecret);
        for (var i = 0; i < 3; i++)
            await ingest.LogCustomMetricAsync(new LogCustomMetricRequest
            {
                Metrics = { Ingesting.Record($"u{i}", "bytes", i, "2026-05-10"), Ingesting.Record($"v{i}", "bytes", i, "2026-05-10") },
            }, headers);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var replay = new LogstreamService.LogstreamServiceClient(channel).Subscribe(new SubscribeRequest { Backlog = 10 }, headers, cancellationToken: timeout.Token);
        var retained = await replay.TakeAsync(2, timeout.Token);

        Assert.Equal(["u2", "v2"], retained.Select(e => e.UserId));
    }
}
