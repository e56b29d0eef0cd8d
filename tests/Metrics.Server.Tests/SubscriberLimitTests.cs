using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>A server of its own that allows 2 concurrent Logstream subscribers per project.</summary>
public sealed class SubscriberLimitTests : IAsyncLifetime
{
    private MetricsServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(new Dictionary<string, string>
    {
        ["Metrics:Quotas:LogstreamSubscribers"] = "2",
        ["Metrics:Projects:p2:Quotas:LogstreamSubscribers"] = "1",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AProjectsOwnSubscriberQuotaOverridesTheDefault()
    {
        using var channel = _server.CreateChannel();
        var logstream = new LogstreamService.LogstreamServiceClient(channel);
        var project = ProjectKeys.Headers(TestProject.Of(2).ServerSecret);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var first = await logstream.SubscribeLiveAsync(new SubscribeRequest(), project, timeout.Token);
        using var second = logstream.Subscribe(new SubscribeRequest(), project, cancellationToken: timeout.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => second.ResponseStream.MoveNext(timeout.Token));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("quota LogstreamSubscribers (1)", refused.Status.Detail);
    }

    [Fact]
    public async Task OneSubscriberTooManyIsRefusedAndItsPlaceFreesWhenASubscriberLeaves()
    {
        using var channel = _server.CreateChannel();
        var logstream = new LogstreamService.LogstreamServiceClient(channel);
        var project = ProjectKeys.Headers(TestProject.Of(0).ServerSecret);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var first = await logstream.SubscribeLiveAsync(new SubscribeRequest(), project, timeout.Token);
        var second = await logstream.SubscribeLiveAsync(new SubscribeRequest(), project, timeout.Token);
        using var third = logstream.Subscribe(new SubscribeRequest(), project, cancellationToken: timeout.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("quota LogstreamSubscribers (2)", refused.Status.Detail);

        // Another project is not affected.
        using var other = await logstream.SubscribeLiveAsync(new SubscribeRequest(), ProjectKeys.Headers(TestProject.Of(1).ServerSecret), timeout.Token);

        // The place is free again once the server has seen a subscriber leave.
        second.Dispose();
        while (true)
        {
            var again = logstream.Subscribe(new SubscribeRequest(), project, cancellationToken: timeout.Token);
            try
            {
                await again.ResponseHeadersAsync;
                var ingest = new IngestService.IngestServiceClient(channel);
                await ingest.LogCustomMetricAsync(
                    new LogCustomMetricRequest { Metrics = { Ingesting.Record("after", "limit", 1, "2026-05-01") } },
                    ProjectKeys.Headers(TestProject.Of(0).IngestKey), cancellationToken: timeout.Token);
                var entry = await Ingesting.NextAsync(again, timeout.Token);
                Assert.Equal("after", entry.UserId);
                again.Dispose();
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                again.Dispose();
                await Task.Delay(100, timeout.Token);
            }
        }
    }
}
