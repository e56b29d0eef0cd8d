using System.Diagnostics;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;
using Metrics.Contracts.V1;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// S3, S6 and S7 share one node of the Redis deployment, a small metric-day and a large one:
/// <list type="number">
/// <item>Warm-up calls into another project; one call fills the small day <c>s3_small_00</c> with 1,000 units.</item>
/// <item>S6: the server's live heap (dotnet-gcdump, after a forced full GC), before the large day is filled.</item>
/// <item>The large day <c>s3_large_00</c> is filled with 1,000,000 new units: 1,000 calls of 1,000 records, 8 callers.</item>
/// <item>S6: the live heap again; the difference over the units is the memory held per unit.</item>
/// <item>S3: ~200 calls into each day, one call at a time, alternating small and large (so both see the same JIT and GC
/// state; which comes first in a pair alternates as well). A call into the small day adds a value to each of its 1,000 units; call j into the large day adds a value
/// to its 1,000 existing units from 1,000 j on, so the day stays at 1,000,000 units. The figure is the ratio of the p50s.</item>
/// <item>S7: the node is killed with SIGKILL, a new one starts on the same ports and Redis, and the first
/// GetMetricDay of the large day is timed: its activation replays the day's journal from Redis.</item>
/// </list>
/// </summary>
public static class DayGrowthScenarios
{
    public const string S3Title = "Call p50 into a day of 1,000,000 vs 1,000 units";
    public const string S6Title = "Memory held per unit in a 1,000,000-unit metric day";
    public const string S7Title = "Re-activation of a 1,000,000-unit metric day after kill -9";

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(BenchContext context)
    {
        var options = context.Options;
        var wanted = new[] { ("S3", S3Title), ("S6", S6Title), ("S7", S7Title) }.Where(s => options.Runs(s.Item1)).ToList();
        if (wanted.Count == 0)
            return;
        var largeUnits = options.Scaled(1000, 1) * 1000;
        var measuredCalls = options.Scaled(200, 10);
        var small = new IngestWorkload("s3_small", Metrics: 1, UnitsPerMetric: 1000, Calls: measuredCalls, context.Date);
        var large = new IngestWorkload("s3_large", Metrics: 1, UnitsPerMetric: largeUnits, Calls: measuredCalls, context.Date);
        var fill = large with { Calls = largeUnits / 1000 };
        var project = BenchProject.DayGrowth;

        MetricsServerProcess node;
        try
        {
            node = await context.StartNodeAsync("node-day", onRedis: true, "day");
        }
        catch (Exception e)
        {
            context.FailUnstarted(wanted, e);
            return;
        }
        await using var _ = node;
        await GrpcIngest.WarmUpAsync(context, node);

        await GrpcIngest.RunAsync(node, project, small with { Calls = 1 }, $"{context.RunId}-s3-small-fill", Deadline, callers: 1);

        long? heapBefore = null;
        if (options.Runs("S6"))
        {
            try
            {
                heapBefore = await GcHeap.LiveBytesAsync(node.ProcessId, options.RepositoryRoot, context.WorkDirectory);
            }
            catch (Exception e)
            {
                context.FailUnstarted([("S6", S6Title)], e);
            }
        }

        var filled = await context.MeasureAsync("fill", $"fill one metric-day with {largeUnits:N0} units (for S3, S6, S7)", async (result, _) =>
        {
            var outcome = await GrpcIngest.RunAsync(node, project, fill, $"{context.RunId}-s3-fill", TimeSpan.FromSeconds(300));
            Figures.AddThroughput(result, outcome, context.CompletedRate(FloorScenario.Id));
        });
        context.Results.Remove(filled); // reported inside S3 (or noted by S6 / S7), not as a scenario of its own
        if (filled.Status != ScenarioStatus.Completed)
        {
            context.FailUnstarted(wanted.Where(s => s.Item1 != "S6" || heapBefore is not null),
                new InvalidOperationException($"filling the {largeUnits:N0}-unit day did not complete: {filled.Error}"));
            return;
        }
        var fillRate = filled.Value(Figures.RecordsPerSecond)!.Value;

        if (heapBefore is { } before)
        {
            await context.MeasureAsync("S6", S6Title, async (result, _) =>
            {
                var after = await GcHeap.LiveBytesAsync(node.ProcessId, options.RepositoryRoot, context.WorkDirectory);
                result.Add(new Figure("heap_before_mb", "live heap before the fill", before / 1e6, "MB"));
                result.Add(new Figure("heap_after_mb", "live heap at full day", after / 1e6, "MB"));
                result.Add(new Figure("bytes_per_unit", "bytes per unit", (after - before) / (double)largeUnits, "bytes/unit", Target.Max(150)));
                result.Notes.Add($"live managed heap of the server (dotnet-gcdump: forced full GC, reachable objects) before and after filling " +
                                 $"one metric-day with {largeUnits:N0} units, difference ÷ units");
            });
        }

        if (options.Runs("S3"))
        {
            await context.MeasureAsync("S3", S3Title, async (result, _) =>
            {
                var (smallLatency, largeLatency) = await AlternatingAsync(node, project, small, large, $"{context.RunId}-s3");
                var smallP50 = smallLatency.PercentileMs(50);
                var largeP50 = largeLatency.PercentileMs(50);
                result.Add(new Figure("p50_small_day_ms", "p50, day of 1,000 units", smallP50, "ms"));
                result.Add(new Figure("p50_large_day_ms", $"p50, day of {largeUnits:N0} units", largeP50, "ms"));
                result.Add(new Figure("p99_small_day_ms", "p99, day of 1,000 units", smallLatency.PercentileMs(99), "ms"));
                result.Add(new Figure("p99_large_day_ms", $"p99, day of {largeUnits:N0} units", largeLatency.PercentileMs(99), "ms"));
                result.Add(Figures.Ratio("p50_ratio", "p50 large ÷ p50 small", largeP50 / smallP50, Target.Max(1.5)));
                result.Add(new Figure("fill_records_per_second", "filling the large day", fillRate, "records/s"));
                result.Notes.Add($"{measuredCalls} calls of 1,000 records into each day, one at a time, alternating between the days; " +
                                 "each call adds to 1,000 existing units");
            });
        }

        if (options.Runs("S7"))
        {
            await context.MeasureAsync("S7", S7Title, async (result, cpu) =>
            {
                var metric = large.MetricName(0);
                var killed = Stopwatch.StartNew();
                await node.KillAsync();
                await node.StartAgainAsync();
                var started = killed.Elapsed.TotalSeconds;
                cpu.WatchFromStart($"{node.Name} (restarted)", node.ProcessId);

                using var channel = node.CreateChannel();
                var metrics = new MetricsService.MetricsServiceClient(channel);
                var clock = Stopwatch.StartNew();
                var day = await metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = context.Date },
                    project.SecretHeaders, DateTime.UtcNow.AddMinutes(3));
                var first = clock.Elapsed.TotalSeconds;
                if (day.Overall.UnitCount != largeUnits)
                    throw new InvalidOperationException($"after the restart {metric} has {day.Overall.UnitCount} units, not {largeUnits}");
                result.Add(new Figure("first_read_seconds", "first GetMetricDay after restart", first, "s", Target.Max(5)));
                result.Add(new Figure("node_start_seconds", "kill -9 to new node SERVING", started, "s"));
                result.Add(new Figure("units", "units in the day", day.Overall.UnitCount, "units"));
                result.Notes.Add($"SIGKILL of the node holding the day, a new node on the same ports and Redis; then the first GetMetricDay " +
                                 $"of the {largeUnits:N0}-unit day (its journal of {fill.Calls + (options.Runs("S3") ? measuredCalls : 0):N0} slices replayed from Redis)");
            });
        }
    }

    /// <summary>The calls of <paramref name="small"/> and <paramref name="large"/>, one at a time, alternating.</summary>
    private static async Task<(LatencyHistogram Small, LatencyHistogram Large)> AlternatingAsync(
        MetricsServerProcess node, ProjectKeys project, IngestWorkload small, IngestWorkload large, string keyPrefix)
    {
        using var channel = node.CreateChannel();
        var client = new IngestService.IngestServiceClient(channel);
        var headers = project.IngestHeaders;
        var latencies = (Small: new LatencyHistogram(), Large: new LatencyHistogram());
        var limit = Stopwatch.StartNew();
        for (var j = 0; j < small.Calls; j++)
        {
            if (limit.Elapsed > TimeSpan.FromSeconds(120))
                throw new TimeoutException($"{j} of {small.Calls} call pairs within 120 s");
            // Which day comes first in a pair alternates too: the first call of a pair proved slower than the second.
            var pair = new[] { (small, latencies.Small, "small"), (large, latencies.Large, "large") };
            foreach (var (workload, histogram, day) in j % 2 == 0 ? pair : pair.Reverse())
            {
                var request = workload.Request(j, $"{keyPrefix}-{day}-{j}");
                var started = Stopwatch.GetTimestamp();
                GrpcIngest.Applied(await client.LogCustomMetricAsync(request, headers, DateTime.UtcNow + Deadline), request);
                histogram.Record(Stopwatch.GetElapsedTime(started));
            }
        }
        return latencies;
    }
}
