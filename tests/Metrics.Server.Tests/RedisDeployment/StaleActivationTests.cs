using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// Two activations of one metric-day never both write: each append checks the day's version in the same Redis
/// script. The version is moved behind the node's back, as a second activation's write would move it.
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class StaleActivationTests
{
    private const string Metric = "stale";
    private const string Day = "2026-08-03";

    [Fact]
    public async Task AWriteThroughAStaleActivationIsRefusedAsUnavailableAndItsRetryCountsOnce()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, "stale-activation");
        using var client = new NodeClient(server);
        var project = TestProject.Of(0);
        await IngestAsync(client, project, "first", "alice", 1);

        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
            await connection.GetDatabase().HashIncrementAsync($"metrics:{{{project.Name}}}:day:{Metric}:{Day}", "version");

        var refused = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(client, project, "second", "bob", 2));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("another activation", refused.Status.Detail);

        var retry = await IngestAsync(client, project, "second", "bob", 2);
        Assert.Equal(1, retry.Accepted);
        Assert.False(retry.Duplicate);
        var day = await client.Metrics.GetMetricDayAsync(
            new GetMetricDayRequest { MetricName = Metric, Date = Day }, ProjectKeys.Headers(project.ServerSecret));
        Assert.Equal((2, 2, 3.0), (day.Overall.UnitCount, day.Overall.RowCount, day.Overall.Sum));
    }

    private static async Task<LogCustomMetricResponse> IngestAsync(NodeClient client, ProjectKeys project, string key, string userId, double value) =>
        await client.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest
            {
                IdempotencyKey = key,
                Metrics = { new MetricRecord { UserId = userId, IdType = "user_id", MetricName = Metric, MetricValue = value, Date = Day } },
            },
            ProjectKeys.Headers(project.IngestKey));
}
