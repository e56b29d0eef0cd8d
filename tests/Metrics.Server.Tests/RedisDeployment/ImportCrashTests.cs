using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Imports;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// SPEC §5: a run killed half-way — both nodes of the cluster <c>kill -9</c>ed while it loads a large day — is failed
/// cleanly when the cluster is back on new nodes (new ports), once its lease has expired: every metric-day is as it
/// was or as loaded whole, never half, and a run after it loads the totals exactly once.
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class ImportCrashTests
{
    private const string ClusterId = "import-crash";
    private static readonly string[] Days = ["2026-01-05", "2026-01-06", "2026-01-07"];

    /// <summary>A short run lease, so that the new node finds the killed run's lease expired soon.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task ARunKilledHalfWayIsFailedCleanlyAndTheNextRunCountsEveryDayOnce()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var postgres = await PostgresServerProcess.StartAsync();
        await using var database = Npgsql.NpgsqlDataSource.Create(postgres.ConnectionString);
        var rows = ImportRow.Sample(seed: 41, Days[..1], units: 50);
        rows.AddRange(Enumerable.Range(0, 150_000).Select(i => new ImportRow($"big{i}", "user_id", Days[1], "revenue", i % 97, null, null)));
        rows.AddRange(ImportRow.Sample(seed: 42, Days[2..], units: 50));
        var table = await WarehouseTable.CreateAsync(database, "crash_rows", rows);
        var figures = await table.FiguresAsync();
        var project = TestProject.Of(0);
        var key = project.SecretHeaders;
        var settings = new Dictionary<string, string>
        {
            [$"Metrics:Projects:{project.Name}:Sources:warehouse:Kind"] = "postgres",
            [$"Metrics:Projects:{project.Name}:Sources:warehouse:ConnectionString"] = postgres.ConnectionString,
            ["Metrics:Imports:RunLease"] = Lease.ToString(),
            ["Metrics:Imports:RunLeaseRenewal"] = (Lease / 3).ToString(),
        };

        var nodes = new List<MetricsServerProcess>
        {
            await TestServers.StartOnRedisAsync(redis.ConnectionString, ClusterId, settings),
            await TestServers.StartOnRedisAsync(redis.ConnectionString, ClusterId, settings),
        };
        try
        {
            string runId;
            using (var a = new NodeClient(nodes[0]))
            {
                await a.Imports.CreateAsync(key, "crash", "warehouse", $"SELECT * FROM {table.Name} WHERE date BETWEEN {{{{start_date}}}} AND {{{{end_date}}}}");
                runId = (await a.Imports.RunImportAsync(new RunImportRequest { ImportId = "crash", FromDate = Days[0], ToDate = Days[^1] }, key)).RunId;
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (true)
                {
                    var run = (await a.Imports.GetImportAsync(new GetImportRequest { ImportId = "crash" }, key)).LastRun;
                    Assert.True(run.Status != ImportRunStatus.Succeeded, "the run ended before it could be killed: make its large day larger");
                    if (run.RowsRead > 1000)
                        break;
                    Assert.True(DateTime.UtcNow < deadline, $"the run read nothing: {run}");
                    await Task.Delay(20);
                }
            }
            foreach (var node in nodes)
                await node.KillAsync();

            // The cluster comes back on new nodes, new ports.
            nodes.Add(await TestServers.StartOnRedisAsync(redis.ConnectionString, ClusterId, settings));
            using var fresh = new NodeClient(nodes[^1]);
            var failedBy = DateTime.UtcNow + 2 * Lease + TimeSpan.FromSeconds(30);
            ImportRun killed;
            while ((killed = (await fresh.Imports.ListImportRunsAsync(new ListImportRunsRequest { ImportId = "crash" }, key)).Runs.Single(r => r.RunId == runId))
                .Status == ImportRunStatus.Running)
            {
                Assert.True(DateTime.UtcNow < failedBy, "the killed run was not failed once its lease expired");
                await Task.Delay(100);
            }
            Assert.Equal(ImportRunStatus.Failed, killed.Status);
            Assert.Contains("stopped", killed.Message);
            foreach (var ((metric, day), expected) in figures)
            {
                try
                {
                    var read = await fresh.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = day }, key);
                    Figuring.AssertMatches(expected, read.Overall, $"{metric} on {day} after the kill"); // loaded whole, or not at all
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                }
            }

            var again = await fresh.Imports.RunToEndAsync(key, "crash", Days[0], Days[^1]);
            Assert.True(again.Status == ImportRunStatus.Succeeded, again.Message);
            foreach (var ((metric, day), expected) in figures)
                Figuring.AssertMatches(expected,
                    (await fresh.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = day }, key)).Overall, $"{metric} on {day}");
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
    }
}
