using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// SPEC §3-4: the nodes of a Redis deployment form one cluster. The Logstream reaches subscribers on every node,
/// a seal holds on every node, and every node reads the same aggregates. Each test takes a project of its own.
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class TwoNodeTests(TwoNodeCluster cluster) : IClassFixture<TwoNodeCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RecordsIngestedThroughOneNodeReachSubscribersOnBoth()
    {
        var project = TestProject.Of(0);
        var secret = ProjectKeys.Headers(project.ServerSecret);
        using var timeout = new CancellationTokenSource(Timeout);
        using var onA = await cluster.A.Logstream.SubscribeLiveAsync(new SubscribeRequest(), secret, timeout.Token);
        using var onB = await cluster.B.Logstream.SubscribeLiveAsync(new SubscribeRequest(), secret, timeout.Token);

        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
            sent.AddRange(await IngestAsync(cluster.A, project, $"via-a-{i}", "fanout", [$"a{i}-0", $"a{i}-1"], "2026-07-01"));
        sent.AddRange(await IngestAsync(cluster.B, project, "via-b", "fanout", ["b-0"], "2026-07-01"));

        var seenOnA = await onA.TakeAsync(sent.Count, timeout.Token);
        var seenOnB = await onB.TakeAsync(sent.Count, timeout.Token);
        Assert.Equal(sent, seenOnA.Select(e => e.UserId)); // one request after another, each one batch
        Assert.Equal(seenOnA, seenOnB);
        Assert.All(seenOnB, e => Assert.Equal(EntryStatus.Accepted, e.Status));
    }

    [Fact]
    public async Task DaySealedThroughOneNodeRefusesWritesThroughTheOther()
    {
        var project = TestProject.Of(1);
        var secret = ProjectKeys.Headers(project.ServerSecret);
        const string day = "2026-07-02";
        await IngestAsync(cluster.A, project, "before-seal", "sealed_metric", ["u1", "u2"], day);

        var sealing = await cluster.B.Readiness.MarkDataReadyAsync(
            new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(day) }, secret, deadline: Deadline());
        Assert.Equal([day], sealing.FinalizedDates);

        var late = new LogCustomMetricRequest
        {
            Metrics = { new MetricRecord { UserId = "late", IdType = "user_id", MetricName = "sealed_metric", MetricValue = 1, Date = day } },
        };
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            cluster.A.Ingest.LogCustomMetricAsync(late, ProjectKeys.Headers(project.IngestKey), deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(day, error.Status.Detail);

        var onA = await cluster.A.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "sealed_metric", Date = day }, secret, deadline: Deadline());
        Assert.Equal(DayStatus.Finalized, onA.Status);
        Assert.Equal(2, onA.Overall.RowCount);
        var readinessOnA = await cluster.A.Readiness.GetReadinessAsync(new GetReadinessRequest(), secret, deadline: Deadline());
        Assert.Equal(sealing.Watermark, readinessOnA.Watermark);
        Assert.Equal(day, readinessOnA.LastFinalizedDate);
    }

    [Fact]
    public async Task BothNodesReadTheSameAggregatesOfWritesThroughBoth()
    {
        var project = TestProject.Of(2);
        var secret = ProjectKeys.Headers(project.ServerSecret);
        const string day = "2026-07-03";
        string[] units = ["u0", "u1", "u2", "u3", "u4"];
        for (var i = 0; i < 10; i++)
            await IngestAsync(i % 2 == 0 ? cluster.A : cluster.B, project, $"mixed-{i}", "mixed", units, day, value: i + 1);

        var request = new GetMetricDayRequest { MetricName = "mixed", Date = day };
        var fromA = await cluster.A.Metrics.GetMetricDayAsync(request, secret, deadline: Deadline());
        var fromB = await cluster.B.Metrics.GetMetricDayAsync(request, secret, deadline: Deadline());

        Assert.Equal(fromA, fromB);
        Assert.Equal(5, fromA.Overall.UnitCount);
        Assert.Equal(50, fromA.Overall.RowCount);
        Assert.Equal(5 * Enumerable.Range(1, 10).Sum(), fromA.Overall.Sum);
    }

    [Fact]
    public async Task ADaySealedThroughOneNodeIsAnnouncedToWatchesOnBoth()
    {
        var project = TestProject.Of(3);
        var secret = ProjectKeys.Headers(project.ServerSecret);
        const string day = "2026-07-04";
        using var timeout = new CancellationTokenSource(Timeout);
        using var onA = cluster.A.Readiness.WatchReadiness(new WatchReadinessRequest(), secret, cancellationToken: timeout.Token);
        using var onB = cluster.B.Readiness.WatchReadiness(new WatchReadinessRequest(), secret, cancellationToken: timeout.Token);
        await onA.ResponseHeadersAsync;
        await onB.ResponseHeadersAsync;
        await IngestAsync(cluster.B, project, "announced", "announced_metric", ["u1"], day);

        var sealing = await cluster.A.Readiness.MarkDataReadyAsync(
            new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(day) }, secret, deadline: Deadline());
        Assert.Equal([day], sealing.FinalizedDates);

        foreach (var watch in new[] { onA, onB })
        {
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token), "the watch ended without an event");
            var sealedDay = watch.ResponseStream.Current;
            Assert.Equal((day, sealing.Watermark, 1), (sealedDay.Date, sealedDay.Watermark, sealedDay.MetricCount));
        }
    }

    private static async Task<IEnumerable<string>> IngestAsync(
        NodeClient node, ProjectKeys project, string key, string metric, string[] users, string date, double value = 1)
    {
        var request = new LogCustomMetricRequest
        {
            IdempotencyKey = key,
            Metrics = { users.Select(u => new MetricRecord { UserId = u, IdType = "user_id", MetricName = metric, MetricValue = value, Date = date }) },
        };
        var reply = await node.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey), deadline: Deadline());
        Assert.Equal(users.Length, reply.Accepted);
        return users;
    }

    private static DateTime Deadline() => DateTime.UtcNow + Timeout;
}
