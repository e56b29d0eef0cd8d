using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// A sealed day's snapshot is stored in chunks of bounded size, never as one Redis value (which Redis caps at
/// 512 MB): with chunks cut at 512 bytes, a sealed day of many chunks reloads exactly after a SIGKILL of the node.
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class SealedChunksRestartTests
{
    private const string Day = "2026-04-02";
    private const int ChunkBytes = 512;

    [Fact]
    public async Task ASealedDayOfManyChunksReloadsExactlyAfterAKill()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(
            redis.ConnectionString, "sealed-chunks", new Dictionary<string, string> { ["Metrics:SealedDays:ChunkBytes"] = ChunkBytes.ToString() });
        using var client = new NodeClient(server);
        var project = TestProject.Of(0);
        var ingest = ProjectKeys.Headers(project.IngestKey);
        var secret = ProjectKeys.Headers(project.ServerSecret);
        var requests = Requests();
        foreach (var request in requests)
            Assert.Equal(request.Metrics.Count, (await client.Ingest.LogCustomMetricAsync(request, ingest)).Accepted);
        var sealing = await client.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, secret);
        Assert.Equal([Day], sealing.FinalizedDates);
        var before = await ReadAsync(client, secret);

        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            var db = connection.GetDatabase();
            Assert.True(await db.ListLengthAsync($"metrics:{{{project.Name}}}:sealed:big:{Day}") >= 20);
            var chunks = await db.ListRangeAsync($"metrics:{{{project.Name}}}:sealed:big:{Day}");
            Assert.All(chunks, c => Assert.True(((byte[])c!).Length <= ChunkBytes, $"a chunk of {((byte[])c!).Length} bytes"));
            Assert.Empty(connection.GetServer(redis.ConnectionString).Keys(pattern: $"metrics:{{{project.Name}}}:sealing:*"));
        }

        await server.KillAsync();
        await server.StartAgainAsync();

        Assert.Equal(before, await ReadAsync(client, secret));
        foreach (var request in requests)
        {
            var retry = await client.Ingest.LogCustomMetricAsync(request, ingest);
            Assert.True(retry.Duplicate, $"key {request.IdempotencyKey} is held by the sealed day");
        }
    }

    [Fact]
    public async Task AChunkSizeOutOfRangeStopsTheStartNamingIt()
    {
        await using var redis = await RedisServerProcess.StartAsync();

        var start = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServers.StartOnRedisAsync(
            redis.ConnectionString, "sealed-chunks-invalid", new Dictionary<string, string> { ["Metrics:SealedDays:ChunkBytes"] = "10" }));

        Assert.Contains("Metrics:SealedDays:ChunkBytes must be from 256", start.Message);
    }

    /// <summary>Both metrics' day views, with and without test records, and the export of each: all the snapshot holds.</summary>
    private static async Task<List<string>> ReadAsync(NodeClient client, Metadata secret)
    {
        var read = new List<string>();
        foreach (var metric in new[] { "big", "ratio" })
        {
            foreach (var includeTest in new[] { false, true })
                read.Add((await client.Metrics.GetMetricDayAsync(
                    new GetMetricDayRequest { MetricName = metric, Date = Day, IncludeTest = includeTest }, secret)).ToString());
            using var export = client.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = metric, Date = Day }, secret);
            await foreach (var unit in export.ResponseStream.ReadAllAsync())
                read.Add(unit.ToString());
        }
        return read;
    }

    private static List<LogCustomMetricRequest> Requests()
    {
        var requests = new List<LogCustomMetricRequest>();
        for (var r = 0; r < 3; r++)
        {
            var request = new LogCustomMetricRequest { IdempotencyKey = $"big-{r}" };
            request.Metrics.AddRange(Enumerable.Range(0, 300).Select(u => new MetricRecord
            {
                UserId = $"user-{(u * 7 + r * 100) % 600:D4}", IdType = u % 3 == 0 ? "stable_id" : "user_id", MetricName = "big", MetricValue = u + r * 0.5, Date = Day,
            }));
            requests.Add(request);
        }
        var ratio = new LogCustomMetricRequest { IdempotencyKey = "ratio" };
        ratio.Metrics.AddRange(Enumerable.Range(0, 200).Select(u => new MetricRecord
        {
            UserId = $"r-{u}", IdType = "user_id", MetricName = "ratio", Numerator = u, Denominator = 200, Date = Day,
        }));
        requests.Add(ratio);
        var test = new LogCustomMetricRequest { IdempotencyKey = "test", IsTest = true };
        test.Metrics.AddRange(Enumerable.Range(0, 100).Select(u => new MetricRecord
        {
            UserId = $"t-{u}", IdType = "user_id", MetricName = "big", MetricValue = 1, Date = Day,
        }));
        requests.Add(test);
        return requests;
    }
}
