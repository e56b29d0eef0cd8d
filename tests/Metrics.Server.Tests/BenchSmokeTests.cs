using System.Diagnostics;
using System.Text.Json;

namespace Metrics.Server.Tests;

/// <summary>
/// Keeps the benchmark harness (bench/Metrics.Bench) working: a run of seconds at a tiny scale, with its own
/// redis-server and server nodes, must end with exit code 0 and a JSON summary in which every scenario completed
/// with finite figures, the ingest scenarios counted what they sent, and S5 sealed every unit S1 wrote.
/// Benchmarks are not tests: nothing here asserts a speed. The failover scenarios (FAILOVER_KILL, FAILOVER_REPLACE,
/// COLD_START) are left out: they start four nodes and take about a minute at any scale, and
/// <c>RedisDeployment/FailoverTests</c> go through the same kills, replacements and cold start.
/// </summary>
/// <remarks>
/// Its category keeps it out of the second pass of the end-to-end suite against Redis (it does not depend on that
/// pass's storage mode), and its collection runs it after the parallel tests, so its load does not slow them.
/// </remarks>
[Trait("Category", "RedisDeployment")]
[Collection(BenchSmokeCollection.Name)]
public sealed class BenchSmokeTests
{
    private static readonly string[] Scenarios = ["FLOOR", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "IMPORT", "IMPORT_FILES", "CLI_UPLOAD", "CONSOLE", "TELEMETRY", "PEER", "SCALE", "REDIS_CLUSTER"];

    /// <summary>The scenarios that send ingest calls in a closed loop and count their records.</summary>
    private static readonly string[] IngestScenarios = ["FLOOR", "S1", "S2", "S8"];

    [Fact]
    public async Task HarnessAtATinyScaleRunsItsScenariosAndWritesTheSummary()
    {
        var directory = Directory.CreateTempSubdirectory("metrics-bench-smoke-").FullName;
        try
        {
            var summaryFile = Path.Combine(directory, "summary.json");
            var (exitCode, output) = await RunHarnessAsync(
                "--scale", "0.001", "--scenarios", string.Join(",", Scenarios), "--out", summaryFile);

            Assert.True(exitCode == 0, $"the harness exited with {exitCode}:\n{output}");
            using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile));
            Assert.True(summary.RootElement.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
            var results = summary.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
            var figures = new Dictionary<string, Dictionary<string, double>>();
            foreach (var id in Scenarios)
            {
                Assert.True(results.TryGetValue(id, out var result), $"no result for {id}:\n{output}");
                Assert.True(result.GetProperty("status").GetString() == "completed", $"{id}: {result}");
                figures[id] = result.GetProperty("figures").EnumerateArray()
                    .ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("value").GetDouble());
                Assert.NotEmpty(figures[id]);
                Assert.All(figures[id], f => Assert.True(double.IsFinite(f.Value) && f.Value >= 0, $"{id}: {f.Key} = {f.Value}"));
            }
            foreach (var id in IngestScenarios)
            {
                Assert.True(figures[id]["records"] > 0, $"{id}: records {figures[id]["records"]}");
                Assert.True(figures[id]["records_per_second"] > 0, $"{id}: records/s {figures[id]["records_per_second"]}");
            }
            // S1 writes each of its records to a unit of its own at this scale: the seal finds every one of them.
            Assert.Equal(figures["S1"]["records"], figures["S5"]["units_sealed"]);
            // The import applied every row of its table (the scenario fails otherwise), and the floor read them.
            Assert.True(figures["IMPORT"]["rows"] > 0 && figures["IMPORT"]["floor_rows_per_second"] > 0, $"IMPORT: {string.Join(", ", figures["IMPORT"])}");
            Assert.True(figures["IMPORT_FILES"]["rows"] > 0 && figures["IMPORT_FILES"]["duckdb_rows_per_second"] > 0, $"IMPORT_FILES: {string.Join(", ", figures["IMPORT_FILES"])}");
            // The tool's report counted every row applied (the scenario fails otherwise), beside S1 of the same run.
            Assert.True(figures["CLI_UPLOAD"]["rows"] > 0 && figures["CLI_UPLOAD"]["ratio_to_s1"] > 0, $"CLI_UPLOAD: {string.Join(", ", figures["CLI_UPLOAD"])}");
            // PostgreSQL loaded and aggregated S1's rows, and the paths compared with it have their ratios.
            Assert.True(figures["PEER"]["copy_rows_per_second"] > 0 && figures["PEER"]["group_by_seconds"] > 0, $"PEER: {string.Join(", ", figures["PEER"])}");
            Assert.All(new[] { "s1_to_copy", "group_by_to_s5", "import_to_copy", "import_files_to_copy", "cli_upload_to_copy" },
                key => Assert.True(figures["PEER"].ContainsKey(key), $"PEER has no {key}: {string.Join(", ", figures["PEER"])}"));
            // Each cluster size ingested S1's workload.
            Assert.All(new[] { 1, 2, 3 }, size => Assert.True(figures["SCALE"][$"records_per_second_{size}"] > 0, $"SCALE: {string.Join(", ", figures["SCALE"])}"));
            // Three projects ingested on a Redis Cluster and on one Redis.
            Assert.True(figures["REDIS_CLUSTER"]["cluster_records_per_second"] > 0 && figures["REDIS_CLUSTER"]["one_redis_records_per_second"] > 0,
                $"REDIS_CLUSTER: {string.Join(", ", figures["REDIS_CLUSTER"])}");
            // Nodes with telemetry off, as configured by default and with traces on each ingested S1's workload.
            Assert.True(new[] { "records_per_second_off", "records_per_second_meters", "records_per_second_on" }.All(key => figures["TELEMETRY"][key] > 0),
                $"TELEMETRY: {string.Join(", ", figures["TELEMETRY"])}");
            // The browser rendered the catalog and drew frames during the flood.
            Assert.True(figures["CONSOLE"]["catalog_ms"] > 0 && figures["CONSOLE"]["frame_p95_ms"] > 0, $"CONSOLE: {string.Join(", ", figures["CONSOLE"])}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunHarnessAsync(params string[] arguments)
    {
        // The harness built by the solution build, in the configuration of this test assembly.
        var harness = RepositoryLayout.BuildOutput(Path.Combine("bench", "Metrics.Bench"), "Metrics.Bench.dll");
        if (!File.Exists(harness))
            throw new FileNotFoundException("build the solution first (dotnet build Metrics.sln)", harness);
        var start = new ProcessStartInfo("dotnet", [harness, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the harness");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // the harness and the redis-server and nodes it started
            await process.WaitForExitAsync();
            throw new TimeoutException($"the harness did not finish within 5 minutes:\n{await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>Not run in parallel with other tests: after them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchSmokeCollection
{
    public const string Name = "Benchmark harness";
}
