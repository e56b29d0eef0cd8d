using System.Net;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>A server of its own that retains only two Logstream batches per project.</summary>
public sealed class LogstreamRetentionTests : IAsyncLifetime
{
    private MetricsServerProcess _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServers.StartAsync(new Dictionary<string, string> { ["Metrics:Logstream:MaxEntries"] = "2" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CursorOlderThanTheRetainedWindowIsOutOfRangeOverGrpcAndJson()
    {
        var project = TestProject.Of(0);
        using var channel = _server.CreateChannel();
        var ingest = new IngestService.IngestServiceClient(channel);
        var logstream = new LogstreamService.LogstreamServiceClient(channel);
        var headers = ProjectKeys.Headers(project.ServerSecret);
        for (var i = 0; i < 3; i++)
            await ingest.LogCustomMetricAsync(new LogCustomMetricRequest
            {
                Metrics = { new MetricRecord { UserId = $"u{i}", IdType = "user_id", MetricName = "retained", MetricValue = i, Date = "2026-05-10" } },
            }, headers);

        // The retained window holds the last two batches: replaying all of it shows which one fell out.
        using var replay = logstream.Subscribe(new SubscribeRequest { Backlog = 10 }, headers);
        var retained = new List<LogstreamEntry>();
        for (var i = 0; i < 2 && await replay.ResponseStream.MoveNext(CancellationToken.None); i++)
            retained.Add(replay.ResponseStream.Current);
        Assert.Equal(["u1", "u2"], retained.Select(e => e.UserId));

        // A position just before the oldest retained batch: the batch there is gone.
        var olderThanWindow = $"{long.Parse(retained[0].Cursor.Split('-')[0]) - 1}-0.0";
        using var resume = logstream.Subscribe(new SubscribeRequest { AfterCursor = olderThanWindow }, headers);
        var error = await Assert.ThrowsAsync<RpcException>(() => resume.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
        Assert.Contains("retained", error.Status.Detail);

        using var http = _server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/logstream?after_cursor={olderThanWindow}");
        request.Headers.Add("statsig-api-key", project.ServerSecret);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
