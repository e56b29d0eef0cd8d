using System.Globalization;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Imports;
using Metrics.Server.Tests.Infrastructure;
using Xunit.Sdk;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// SPEC §5: a <c>daily@HH:MM</c> schedule fires at that Pacific time on a cluster of two nodes, once, and — its
/// reminder kept in Redis — again after every node was killed and the cluster came back on a new node; on one
/// redis-server, and on a Redis Cluster of three masters (Orleans' membership and reminders there too). The clock is
/// the real one: the schedules are set to the next minutes, and the nodes look every two seconds.
/// </summary>
/// <remarks>
/// Mostly waiting for the minutes to turn, and tolerant of a busy machine (a minute's grace after each tick), so it is
/// not in the Redis deployment collection that runs alone: it runs beside the other tests.
/// </remarks>
[Trait("Category", "RedisDeployment")]
public sealed class ImportScheduleClusterTests
{
    private const string ClusterId = "import-schedules";
    private static readonly TimeSpan Check = TimeSpan.FromSeconds(2);

    /// <summary>Both at once: each is mostly waiting for its minutes to turn.</summary>
    [Fact]
    public Task AScheduleFiresOnceAtItsTimeAndAgainAfterEveryNodeRestartedOnOneRedisAndOnARedisCluster() =>
        Task.WhenAll(new[] { false, true }.Select(async onARedisCluster =>
        {
            try
            {
                await FiresOnceAndAgainAfterEveryNodeRestartedAsync(onARedisCluster);
            }
            catch (Exception e)
            {
                throw new XunitException($"{(onARedisCluster ? "On a Redis Cluster" : "On one redis-server")}: {e.Message}", e);
            }
        }));

    private static async Task FiresOnceAndAgainAfterEveryNodeRestartedAsync(bool onARedisCluster)
    {
        IAsyncDisposable storage;
        string redis;
        if (onARedisCluster)
        {
            var cluster = await RedisClusterProcess.StartAsync();
            (storage, redis) = (cluster, cluster.ConnectionString);
        }
        else
        {
            var server = await RedisServerProcess.StartAsync();
            (storage, redis) = (server, server.ConnectionString);
        }
        await using var _ = storage;
        var files = Directory.CreateTempSubdirectory("metrics-schedule-files-");
        var day = PacificTime.DaysAgo(2);
        foreach (var import in new[] { "first", "second" })
            await File.WriteAllTextAsync(Path.Combine(files.FullName, $"{import}.csv"), $"unit_id,id_type,date,metric_name,metric_value\nu1,user_id,{day},scheduled_{import},5\n");
        var project = TestProject.Of(0);
        var key = project.SecretHeaders;
        var settings = new Dictionary<string, string>
        {
            ["Metrics:Imports:ScheduleCheckPeriod"] = Check.ToString(),
            [$"Metrics:Projects:{project.Name}:Sources:files:Kind"] = "files",
            [$"Metrics:Projects:{project.Name}:Sources:files:Root"] = files.FullName,
        };
        var nodes = new List<MetricsServerProcess>
        {
            await TestServers.StartOnRedisAsync(redis, ClusterId, settings),
            await TestServers.StartOnRedisAsync(redis, ClusterId, settings),
        };
        // The first whole minute at least 30 s away once the nodes serve (they start slowly on a busy machine, and a
        // tick that passed before its import was created is not due until the next day), and the minute after it.
        var first = NextMinute(DateTimeOffset.UtcNow.AddSeconds(30));
        var second = first.AddMinutes(1);
        try
        {
            using (var a = new NodeClient(nodes[0]))
            {
                await a.Imports.CreateAsync(key, "first", "files", "first.csv", i => i.Schedule = Schedule(first));
                await a.Imports.CreateAsync(key, "second", "files", "second.csv", i => i.Schedule = Schedule(second));
            }
            using (var b = new NodeClient(nodes[1]))
            {
                var run = await ScheduledRunAsync(b, "first", first);
                Assert.Equal((ImportRunStatus.Succeeded, 1L), (run.Status, run.RowsApplied));
                await Task.Delay(5 * Check); // more checks by both nodes: still one run for the tick
                Assert.Single((await b.Imports.ListImportRunsAsync(new ListImportRunsRequest { ImportId = "first" }, key)).Runs);
                Assert.Empty((await b.Imports.ListImportRunsAsync(new ListImportRunsRequest { ImportId = "second" }, key)).Runs);
            }
            Assert.True(DateTimeOffset.UtcNow < second.AddSeconds(-15), "too slow to restart the cluster before the second tick");
            foreach (var node in nodes)
                await node.KillAsync();
            nodes.Add(await TestServers.StartOnRedisAsync(redis, ClusterId, settings));

            // Nothing calls the imports until the tick has passed: the reminder, kept in Redis, runs it.
            var wait = second.AddSeconds(10) - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
            using var fresh = new NodeClient(nodes[^1]);
            var again = await ScheduledRunAsync(fresh, "second", second);
            Assert.Equal(ImportRunStatus.Succeeded, again.Status);
            Assert.True(again.StartedAt.ToDateTimeOffset() < second.AddSeconds(10), $"the run started at {again.StartedAt}, not by the reminder");
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
            files.Delete(recursive: true);
        }

        async Task<ImportRun> ScheduledRunAsync(NodeClient node, string importId, DateTimeOffset tick)
        {
            var deadline = tick.AddSeconds(60);
            while (true)
            {
                var runs = (await node.Imports.ListImportRunsAsync(new ListImportRunsRequest { ImportId = importId }, key)).Runs;
                if (runs.FirstOrDefault(r => r.Status is ImportRunStatus.Succeeded or ImportRunStatus.Failed) is { } ended)
                {
                    Assert.Equal(("schedule", tick), (ended.Trigger, ended.ScheduledFor.ToDateTimeOffset()));
                    Assert.True(ended.StartedAt.ToDateTimeOffset() >= tick, $"started at {ended.StartedAt}, before its tick {tick}");
                    return ended;
                }
                Assert.True(DateTimeOffset.UtcNow < deadline, $"no run of {importId} for its tick {tick} by {deadline}");
                await Task.Delay(500);
            }
        }
    }

    private static DateTimeOffset NextMinute(DateTimeOffset after)
    {
        var pacific = TimeZoneInfo.ConvertTime(after, PacificTime.Zone);
        var minute = new DateTimeOffset(pacific.Year, pacific.Month, pacific.Day, pacific.Hour, pacific.Minute, 0, pacific.Offset).AddMinutes(1);
        return minute.ToUniversalTime();
    }

    private static string Schedule(DateTimeOffset tick) =>
        "daily@" + TimeZoneInfo.ConvertTime(tick, PacificTime.Zone).ToString("HH:mm", CultureInfo.InvariantCulture);
}
