using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// A call that stored its slices but never learned so (its answer lost with a node or Redis) is retried with its
/// idempotency key after the day was sealed. The request's key is removed from Redis behind the node's back, as
/// such a failed attempt leaves it: only the metric-day grains know the slices.
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class RetryAfterSealTests
{
    [Fact]
    public async Task ARetryWhoseSlicesWereAllStoredBeforeTheSealIsADuplicate()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, "retry-after-seal");
        using var client = new NodeClient(server);
        var project = TestProject.Of(0);
        var day = "2026-07-01";

        var request = Request("stored-then-sealed", Ingesting.Record("alice", "m1", 5, day), Ingesting.Record("bob", "m2", 7, day));
        Assert.Equal(2, (await client.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey))).Accepted);
        await ForgetKeyAsync(redis, project, request.IdempotencyKey);
        await SealAsync(client, project, day);

        var retry = await client.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey));
        Assert.True(retry.Duplicate);
        Assert.Equal(0, retry.Accepted);
        Assert.Equal(5, (await DayAsync(client, project, "m1", day)).Overall.Sum);
        Assert.Equal(7, (await DayAsync(client, project, "m2", day)).Overall.Sum);
    }

    [Fact]
    public async Task ARetryWhoseSlicesWereStoredInPartIsRefusedNamingWhatCounts()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, "retry-after-seal-part");
        var project = TestProject.Of(0);
        var day = "2026-07-02";
        var request = Request("stored-in-part", Ingesting.Record("alice", "m1", 5, day), Ingesting.Record("bob", "m2", 7, day));
        using (var first = new NodeClient(server))
            await first.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey));

        // The first attempt stored the slice of m1 only: its slice of m2 never reached Redis.
        await server.KillAsync();
        await ForgetKeyAsync(redis, project, request.IdempotencyKey);
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
            await connection.GetDatabase().KeyDeleteAsync(
                [$"metrics:{{{project.Name}}}:day:m2:{day}", $"metrics:{{{project.Name}}}:journal:m2:{day}"]);
        await server.StartAgainAsync();
        using var client = new NodeClient(server);
        await SealAsync(client, project, day);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains($"stored the records of m1 on {day}, which count", refused.Status.Detail);
        Assert.Equal(5, (await DayAsync(client, project, "m1", day)).Overall.Sum);
        var notFound = await Assert.ThrowsAsync<RpcException>(() => DayAsync(client, project, "m2", day));
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
    }

    /// <summary>
    /// A key reused for another request once Redis forgot it (its 7 days passed): the sealed grain still holds the
    /// key's old slice, but that slice belongs to another body, so the new request is late data, not a duplicate.
    /// </summary>
    [Fact]
    public async Task AKeyReusedForAnotherBodyAfterItsRetentionIsLateDataNotADuplicate()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, "key-reused-after-seal");
        using var client = new NodeClient(server);
        var project = TestProject.Of(0);
        var day = "2026-07-03";

        await client.Ingest.LogCustomMetricAsync(Request("weekly", Ingesting.Record("alice", "m1", 5, day)), ProjectKeys.Headers(project.IngestKey));
        await ForgetKeyAsync(redis, project, "weekly");
        await SealAsync(client, project, day);

        var reused = Request("weekly", Ingesting.Record("alice", "m1", 6, day));
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Ingest.LogCustomMetricAsync(reused, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("nothing in the request was applied", refused.Status.Detail);
        Assert.Equal(5, (await DayAsync(client, project, "m1", day)).Overall.Sum);
    }

    /// <summary>The same on a day still open: the grain applies the new body instead of taking it for the old one.</summary>
    [Fact]
    public async Task AKeyReusedForAnotherBodyAfterItsRetentionIsAppliedToAnOpenDay()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, "key-reused-open-day");
        using var client = new NodeClient(server);
        var project = TestProject.Of(0);
        var day = "2026-07-04";

        await client.Ingest.LogCustomMetricAsync(Request("weekly", Ingesting.Record("alice", "m1", 5, day)), ProjectKeys.Headers(project.IngestKey));
        await ForgetKeyAsync(redis, project, "weekly");

        var reused = await client.Ingest.LogCustomMetricAsync(Request("weekly", Ingesting.Record("bob", "m1", 6, day)), ProjectKeys.Headers(project.IngestKey));
        Assert.False(reused.Duplicate);
        Assert.Equal(1, reused.Accepted);
        Assert.Equal(11, (await DayAsync(client, project, "m1", day)).Overall.Sum);
    }

    private static LogCustomMetricRequest Request(string key, params MetricRecord[] records) =>
        new() { IdempotencyKey = key, Metrics = { records } };

    private static async Task ForgetKeyAsync(RedisServerProcess redis, ProjectKeys project, string key)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.True(await connection.GetDatabase().KeyDeleteAsync($"metrics:{{{project.Name}}}:idempotency:{key}"));
    }

    private static async Task SealAsync(NodeClient client, ProjectKeys project, string day)
    {
        var sealedDays = await client.Readiness.MarkDataReadyAsync(
            new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(day) }, ProjectKeys.Headers(project.ServerSecret));
        Assert.Contains(day, sealedDays.FinalizedDates);
    }

    private static async Task<MetricDay> DayAsync(NodeClient client, ProjectKeys project, string metric, string day) =>
        await client.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = day }, ProjectKeys.Headers(project.ServerSecret));
}
