using System.Diagnostics;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;
using Metrics.Contracts.V1;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// S9, on a node of the Redis deployment of its own: the cost of a one-record write to a metric a project has never
/// seen, in a project holding 1,000 metric names and in one holding 100,000 (each name open on the run's day).
/// Such a write opens a metric-day and adds a catalog entry: its cost must not grow with the project (SPEC §3).
/// <list type="number">
/// <item>Fill: calls of 1,000 records, each record a new metric, until the projects hold 1,000 and 100,000 names.</item>
/// <item>~200 calls of one record into each project, each to a new metric, one at a time, alternating between the
/// projects and which goes first in a pair (as S3 does), so both see the same JIT and GC state. The figure is the ratio of the p50s.</item>
/// </list>
/// </summary>
public static class CatalogGrowthScenario
{
    public const string Title = "Write to a new metric: p50 at 100,000 vs 1,000 metric names";

    private const int FillRecordsPerCall = 1000;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs("S9"))
            return;
        var options = context.Options;
        var smallCatalog = 1000;
        var largeCatalog = Math.Max(2 * smallCatalog, options.Scaled(100_000, 1) / FillRecordsPerCall * FillRecordsPerCall);
        var measuredCalls = options.Scaled(200, 10);
        var (smallProject, largeProject) = (BenchProject.CatalogSmall, BenchProject.CatalogLarge);

        await using var node = await context.StartNodeAsync("node-catalog", onRedis: true, "catalog");
        await GrpcIngest.WarmUpAsync(context, node);
        await context.MeasureAsync("S9", Title, async (result, _) =>
        {
            using var channel = node.CreateChannel();
            var client = new IngestService.IngestServiceClient(channel);
            await FillAsync(client, smallProject, context.Date, smallCatalog);
            var fill = Stopwatch.StartNew();
            await FillAsync(client, largeProject, context.Date, largeCatalog);
            var fillSeconds = fill.Elapsed.TotalSeconds;
            var (small, large) = await AlternatingNewMetricCallsAsync(client, smallProject, largeProject, context.Date, measuredCalls);

            var smallP50 = small.PercentileMs(50);
            var largeP50 = large.PercentileMs(50);
            result.Add(new Figure("p50_small_catalog_ms", $"p50, {smallCatalog:N0} metric names", smallP50, "ms"));
            result.Add(new Figure("p50_large_catalog_ms", $"p50, {largeCatalog:N0} metric names", largeP50, "ms", Target.Max(10)));
            result.Add(new Figure("p99_small_catalog_ms", $"p99, {smallCatalog:N0} metric names", small.PercentileMs(99), "ms"));
            result.Add(new Figure("p99_large_catalog_ms", $"p99, {largeCatalog:N0} metric names", large.PercentileMs(99), "ms"));
            result.Add(Figures.Ratio("p50_ratio", "p50 large ÷ p50 small", largeP50 / smallP50, Target.Max(1.5)));
            result.Add(new Figure("fill_names_per_second", "filling the large catalog", largeCatalog / fillSeconds, "names/s"));
            result.Notes.Add($"{measuredCalls} calls of one record into each project, each to a metric never seen, one at a time, alternating " +
                             $"between a project of {smallCatalog:N0} and one of {largeCatalog:N0} metric names (each open on {context.Date}); " +
                             $"the fill sends {FillRecordsPerCall:N0} new metrics a call");
        });
    }

    /// <summary>Metrics <c>s9_000000</c> to <c>s9_{names - 1}</c>, one record each, in calls of 1,000.</summary>
    private static async Task FillAsync(IngestService.IngestServiceClient client, ProjectKeys project, string date, int names)
    {
        for (var first = 0; first < names; first += FillRecordsPerCall)
        {
            var request = new LogCustomMetricRequest();
            for (var metric = first; metric < Math.Min(first + FillRecordsPerCall, names); metric++)
                request.Metrics.Add(Record($"s9_{metric:D6}", date));
            GrpcIngest.Applied(await client.LogCustomMetricAsync(request, project.IngestHeaders, DateTime.UtcNow + Deadline), request);
        }
    }

    private static async Task<(LatencyHistogram Small, LatencyHistogram Large)> AlternatingNewMetricCallsAsync(
        IngestService.IngestServiceClient client, ProjectKeys small, ProjectKeys large, string date, int calls)
    {
        var latencies = (Small: new LatencyHistogram(), Large: new LatencyHistogram());
        for (var call = 0; call < calls; call++)
        {
            var pair = new[] { (small, latencies.Small), (large, latencies.Large) };
            foreach (var (project, histogram) in call % 2 == 0 ? pair : pair.Reverse())
            {
                var request = new LogCustomMetricRequest { Metrics = { Record($"s9_new_{call:D4}", date) } };
                var started = Stopwatch.GetTimestamp();
                GrpcIngest.Applied(await client.LogCustomMetricAsync(request, project.IngestHeaders, DateTime.UtcNow + Deadline), request);
                histogram.Record(Stopwatch.GetElapsedTime(started));
            }
        }
        return latencies;
    }

    private static MetricRecord Record(string metric, string date) =>
        new() { UserId = "u", IdType = "user_id", MetricName = metric, MetricValue = 1, Date = date };
}
