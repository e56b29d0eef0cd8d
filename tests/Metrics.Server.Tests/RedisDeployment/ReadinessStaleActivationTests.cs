using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// Two activations of one readiness grain never both write: each change checks the readiness version in the same
/// Redis script, and the watermark stored never moves backwards. The other activation's writes are made behind the
/// node's back, as a second activation on another node would make them: it moves the watermark and the version.
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class ReadinessStaleActivationTests
{
    private const string Day = "2026-08-03";

    [Fact]
    public async Task AStaleActivationCannotAdmitAWriteForADayAnotherSealedAndTheRetrySealsIt()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, "stale-readiness");
        using var client = new NodeClient(server);
        var project = TestProject.Of(0);
        await IngestAsync(client, project, "first", "open_before");

        // The other activation's MarkDataReady: the watermark reaches the end of the day.
        await MoveBehindTheNodesBackAsync(redis, project, PacificTime.EndOf(Day));

        var refused = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(client, project, "second", "new_metric"));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("another activation", refused.Status.Detail);

        var retry = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(client, project, "second", "new_metric"));
        Assert.Equal(StatusCode.FailedPrecondition, retry.StatusCode);
        Assert.Contains(Day, retry.Status.Detail);

        var secret = ProjectKeys.Headers(project.ServerSecret);
        var readiness = await client.Readiness.GetReadinessAsync(new GetReadinessRequest(), secret);
        Assert.Equal(PacificTime.EndOf(Day), readiness.Watermark);
        Assert.DoesNotContain(Day, readiness.OpenDates);
        var sealedDay = await client.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "open_before", Date = Day }, secret);
        Assert.Equal(DayStatus.Finalized, sealedDay.Status);
        var neverWritten = await Assert.ThrowsAsync<RpcException>(() =>
            client.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "new_metric", Date = Day }, secret).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, neverWritten.StatusCode);
    }

    [Fact]
    public async Task AStaleActivationCannotMoveTheStoredWatermarkBackwards()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, "stale-watermark");
        using var client = new NodeClient(server);
        var project = TestProject.Of(0);
        var secret = ProjectKeys.Headers(project.ServerSecret);
        await client.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.StartOf(Day) }, secret);

        var ahead = PacificTime.EndOf(Day) + 3600;
        await MoveBehindTheNodesBackAsync(redis, project, ahead);

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            client.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, secret).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal(ahead, await StoredWatermarkAsync(redis, project));

        var retry = await Assert.ThrowsAsync<RpcException>(() =>
            client.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, secret).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, retry.StatusCode);
        Assert.Contains($"current watermark {ahead}", retry.Status.Detail);
        Assert.Equal(ahead, (await client.Readiness.GetReadinessAsync(new GetReadinessRequest(), secret)).Watermark);
    }

    private static RedisKey Head(ProjectKeys project) => $"metrics:{{{project.Name}}}:readiness:metrics:head";

    private static async Task MoveBehindTheNodesBackAsync(RedisServerProcess redis, ProjectKeys project, long watermark)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();
        await db.HashSetAsync(Head(project), "watermark", watermark);
        await db.HashIncrementAsync(Head(project), "version");
    }

    private static async Task<long> StoredWatermarkAsync(RedisServerProcess redis, ProjectKeys project)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        return (long)await connection.GetDatabase().HashGetAsync(Head(project), "watermark");
    }

    private static async Task<LogCustomMetricResponse> IngestAsync(NodeClient client, ProjectKeys project, string key, string metric) =>
        await client.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest
            {
                IdempotencyKey = key,
                Metrics = { new MetricRecord { UserId = "alice", IdType = "user_id", MetricName = metric, MetricValue = 1, Date = Day } },
            },
            ProjectKeys.Headers(project.IngestKey));
}
