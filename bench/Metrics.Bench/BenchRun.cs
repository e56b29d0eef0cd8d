using System.Diagnostics;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;
using Metrics.Bench.Reporting;
using Metrics.Bench.Scenarios;
using Spectre.Console;

namespace Metrics.Bench;

/// <summary>
/// One run: starts a redis-server, then for each group of scenarios the server nodes it needs, runs the
/// scenarios in order, stops everything it started, prints the table and writes the JSON summary.
/// Exit code: 0 when every selected scenario ran to its end (whether or not it met its target), 1 when one failed
/// or timed out, 2 when the run could not start.
/// </summary>
public static class BenchRun
{
    private static readonly Dictionary<string, string> Titles = new()
    {
        ["FLOOR"] = FloorScenario.Title,
        ["S1"] = IngestScenarios.S1Title,
        ["S2"] = IngestScenarios.S2Title,
        ["S3"] = DayGrowthScenarios.S3Title,
        ["S4"] = LogstreamScenario.Title,
        ["S5"] = SealScenario.Title,
        ["S6"] = DayGrowthScenarios.S6Title,
        ["S7"] = DayGrowthScenarios.S7Title,
        ["S8"] = IngestScenarios.S8Title,
        ["S9"] = CatalogGrowthScenario.Title,
        ["S10"] = HostileTenantScenario.Title,
        ["IMPORT"] = ImportScenario.Title,
        ["IMPORT_FILES"] = ImportFilesScenario.Title,
        [CliUploadScenario.Id] = CliUploadScenario.Title,
        ["CONSOLE"] = ConsoleScenario.Title,
        [TelemetryScenario.Id] = TelemetryScenario.Title,
        [PeerScenario.Id] = PeerScenario.Title,
        [ScaleScenario.Id] = ScaleScenario.Title,
        [RedisClusterScenario.Id] = RedisClusterScenario.Title,
        ["FAILOVER_KILL"] = FailoverScenarios.KillTitle,
        ["FAILOVER_REPLACE"] = FailoverScenarios.ReplaceTitle,
        ["COLD_START"] = FailoverScenarios.ColdStartTitle,
    };

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var started = DateTimeOffset.UtcNow;
        var loadAtStart = LoadAverage.Read();
        var clock = Stopwatch.StartNew();
        if (!File.Exists(options.ServerAssembly))
        {
            AnsiConsole.MarkupLine($"[red]No server at {Markup.Escape(options.ServerAssembly)}[/]: build it first (bash bench/run.sh does), or pass --server.");
            return 2;
        }
        var logDirectory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.OutputFile))!, "logs");
        if (Directory.Exists(logDirectory))
            Directory.Delete(logDirectory, recursive: true);
        Directory.CreateDirectory(logDirectory);
        var work = Directory.CreateTempSubdirectory("metrics-bench-").FullName;

        var busy = await CpuMeter.MachineBusyCoresAsync(TimeSpan.FromSeconds(1));
        if (busy > 0.25)
            AnsiConsole.MarkupLine($"[yellow]Other processes keep {busy:0.00} cores busy before the run (load average {Markup.Escape(loadAtStart)}): " +
                                   "they share the cores and lower the figures; see \"other processes\" in the CPU table.[/]");
        BenchContext.Progress($"scenarios {string.Join(",", BenchOptions.AllScenarios.Where(options.Runs))} at scale {options.Scale}; " +
                              $"server {options.ServerAssembly}; logs in {logDirectory}");
        RedisServerProcess redis;
        try
        {
            redis = await RedisServerProcess.StartAsync(new RedisServerOptions
            {
                AppendFsync = AppendFsync.EverySecond, // Redis' default durability
                KeepOutput = false,
                LogFile = Path.Combine(logDirectory, "redis.log"),
            });
        }
        catch (Exception e)
        {
            AnsiConsole.MarkupLine($"[red]Could not start redis-server:[/] {Markup.Escape(e.Message)}");
            Directory.Delete(work, recursive: true);
            return 2;
        }

        MachineInfo machine;
        List<ScenarioResult> results;
        try
        {
            var version = await redis.InfoAsync("redis_version");
            BenchContext.Progress($"redis-server {version} on {redis.ConnectionString} (pid {redis.ProcessId}), append-only, fsync every second");
            machine = MachineInfo.Read(options.RepositoryRoot, version);
            var context = new BenchContext(options, redis, logDirectory, work);
            UserIds.Prepare(Math.Max(options.Scaled(100_000, 1000), options.Scaled(1000, 1) * 1000));

            await GroupAsync(context, ["FLOOR", "S1", "S5", "S2"], () => RedisIngestAsync(context));
            await GroupAsync(context, ["S8"], () => EmbeddedIngestAsync(context));
            await GroupAsync(context, ["S3", "S6", "S7"], () => DayGrowthScenarios.RunAsync(context));
            await GroupAsync(context, ["S4"], () => LogstreamScenario.RunAsync(context));
            await GroupAsync(context, ["S9"], () => CatalogGrowthScenario.RunAsync(context));
            await GroupAsync(context, ["S10"], () => HostileTenantScenario.RunAsync(context));
            await GroupAsync(context, ["IMPORT"], () => ImportScenario.RunAsync(context));
            await GroupAsync(context, ["IMPORT_FILES"], () => ImportFilesScenario.RunAsync(context));
            await GroupAsync(context, [CliUploadScenario.Id], () => CliUploadScenario.RunAsync(context));
            await GroupAsync(context, ["CONSOLE"], () => ConsoleScenario.RunAsync(context));
            await GroupAsync(context, [TelemetryScenario.Id], () => TelemetryScenario.RunAsync(context));
            await GroupAsync(context, [PeerScenario.Id], () => PeerScenario.RunAsync(context));
            await GroupAsync(context, [ScaleScenario.Id], () => ScaleScenario.RunAsync(context));
            await GroupAsync(context, [RedisClusterScenario.Id], () => RedisClusterScenario.RunAsync(context));
            await GroupAsync(context, ["FAILOVER_KILL", "FAILOVER_REPLACE", "COLD_START"], () => FailoverScenarios.RunAsync(context));
            results = context.Results;
        }
        finally
        {
            await redis.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }

        ResultTable.Write(machine, options.Scale, results);
        await Summary.WriteAsync(options.OutputFile, machine, options, started, clock.Elapsed, loadAtStart, results);
        AnsiConsole.MarkupLine($"Summary written to [bold]{Markup.Escape(options.OutputFile)}[/] ({clock.Elapsed.TotalMinutes:0.0} min); server logs in {Markup.Escape(logDirectory)}");
        return results.All(r => r.Status == ScenarioStatus.Completed) ? 0 : 1;
    }

    /// <summary>FLOOR, then S1, S5 and S2 on one node of the Redis deployment.</summary>
    private static async Task RedisIngestAsync(BenchContext context)
    {
        var options = context.Options;
        MetricsServerProcess? node = null;
        if (options.Runs("S1") || options.Runs("S2"))
        {
            try
            {
                node = await context.StartNodeAsync("node-ingest", onRedis: true, "ingest");
                await GrpcIngest.WarmUpAsync(context, node);
            }
            catch (Exception e)
            {
                if (node is not null)
                    await node.DisposeAsync();
                node = null;
                context.FailUnstarted(new[] { "S1", "S5", "S2" }.Where(options.Runs).Select(id => (id, Titles[id])), e);
            }
        }
        await using var _ = node;
        if (options.Runs("FLOOR"))
            await FloorScenario.RunAsync(context);
        if (node is null)
            return;
        if (options.Runs("S1"))
            await IngestScenarios.RunS1Async(context, node);
        if (options.Runs("S5"))
            await SealScenario.RunAsync(context, node);
        if (options.Runs("S2"))
            await IngestScenarios.RunS2Async(context, node);
    }

    private static async Task EmbeddedIngestAsync(BenchContext context)
    {
        if (!context.Options.Runs("S8"))
            return;
        await using var node = await context.StartNodeAsync("node-embedded", onRedis: false, "embedded");
        await GrpcIngest.WarmUpAsync(context, node);
        await IngestScenarios.RunS8Async(context, node);
    }

    /// <summary>Runs a group; whatever stops it, its selected scenarios that have no result yet are recorded as failed.</summary>
    private static async Task GroupAsync(BenchContext context, string[] ids, Func<Task> group)
    {
        try
        {
            await group();
        }
        catch (Exception e)
        {
            var missing = ids.Where(id => context.Options.Runs(id) && context.Results.All(r => r.Id != id)).Select(id => (id, Titles[id]));
            context.FailUnstarted(missing, e);
        }
    }
}
