using System.Globalization;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// SPEC §3 "Durability": grain state is not rewritten whole on every request, so what a request writes to Redis
/// does not grow with the day it writes to. Measured as the bytes Redis receives (INFO total_net_input_bytes).
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class AppendCostTests(ITestOutputHelper output)
{
    private const int Requests = 100;
    private const int UnitsPerRequest = 1000;
    private const int Measured = 5;
    private const string Metric = "append_cost";
    private const string Day = "2026-09-14";

    [Fact]
    public async Task BytesWrittenPerRequestStayFlatAsTheDayGrowsToAHundredThousandUnits()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, "append-cost");
        using var client = new NodeClient(server);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var project = TestProject.Of(0);

        // The first request activates the grain; the next ones write to a day of 1,000 to 6,000 units.
        await IngestAsync(client, project, 0, timeout.Token);
        var early = await BytesPerRequestAsync(redis, client, project, 1, timeout.Token);
        for (var request = 1 + Measured; request < Requests - Measured; request++)
            await IngestAsync(client, project, request, timeout.Token);
        var late = await BytesPerRequestAsync(redis, client, project, Requests - Measured, timeout.Token);

        output.WriteLine($"bytes written to Redis per request of {UnitsPerRequest} records: {early:F0} at 1,000-6,000 units in the day, "
            + $"{late:F0} at 95,000-100,000 units ({late / early:P0})");
        var day = await client.Metrics.GetMetricDayAsync(
            new GetMetricDayRequest { MetricName = Metric, Date = Day }, ProjectKeys.Headers(project.ServerSecret), cancellationToken: timeout.Token);
        Assert.Equal(Requests * UnitsPerRequest, day.Overall.UnitCount);
        Assert.True(early >= UnitsPerRequest * UserId(0, 0).Length, $"{early:F0} bytes per request: the records did not reach Redis");
        Assert.True(late <= early * 1.2, $"a request into a day of 100,000 units wrote {late:F0} bytes to Redis, into one of 1,000 units {early:F0}");
    }

    /// <summary>Ingests <see cref="Measured"/> requests from <paramref name="first"/> on; the bytes Redis received, per request.</summary>
    private static async Task<double> BytesPerRequestAsync(
        RedisServerProcess redis, NodeClient client, ProjectKeys project, int first, CancellationToken cancellationToken)
    {
        var before = await InputBytesAsync(redis);
        for (var request = first; request < first + Measured; request++)
            await IngestAsync(client, project, request, cancellationToken);
        return (await InputBytesAsync(redis) - before) / (double)Measured;
    }

    private static async Task<long> InputBytesAsync(RedisServerProcess redis) =>
        long.Parse(await redis.InfoAsync("total_net_input_bytes"), CultureInfo.InvariantCulture);

    private static async Task IngestAsync(NodeClient client, ProjectKeys project, int request, CancellationToken cancellationToken)
    {
        var records = Enumerable.Range(0, UnitsPerRequest)
            .Select(unit => new MetricRecord { UserId = UserId(request, unit), IdType = "user_id", MetricName = Metric, MetricValue = 1, Date = Day });
        var reply = await client.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest { Metrics = { records } }, ProjectKeys.Headers(project.IngestKey), cancellationToken: cancellationToken);
        Assert.Equal(UnitsPerRequest, reply.Accepted);
    }

    /// <summary>Of one length for every request, so that every request carries the same number of bytes.</summary>
    private static string UserId(int request, int unit) => $"u{request:D3}-{unit:D4}";
}
