using Metrics.Bench.Hosting;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// TELEMETRY: what meters and traces cost the ingest path. S1's workload on a Redis deployment node with the
/// OpenTelemetry SDK off (<c>OTEL_SDK_DISABLED=true</c>: no meters, no traces), on one as configured by default
/// (meters only, scraped at <c>/metrics</c>), and on one with meters and traces on (OTLP to a collector in the
/// harness, the sampler at the product's default: a tenth of the calls), in turn, twice each on fresh nodes and
/// metrics; the figure is the mean rate with both on over the mean with both off. Target ≥ 0.95.
/// </summary>
public static class TelemetryScenario
{
    public const string Id = "TELEMETRY";
    public const string Title = "S1 with meters and traces on ÷ with them off";

    private const int Rounds = 2;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(240);

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs(Id))
            return;
        await context.MeasureAsync(Id, Title, async (result, _) =>
        {
            using var collector = new OtlpSink();
            var off = new List<double>();
            var meters = new List<double>();
            var on = new List<double>();
            for (var round = 0; round < Rounds; round++)
            {
                off.Add(await RateAsync(context, $"tel_off{round}", new Dictionary<string, string> { ["OTEL_SDK_DISABLED"] = "true" }));
                meters.Add(await RateAsync(context, $"tel_meters{round}", new Dictionary<string, string>()));
                on.Add(await RateAsync(context, $"tel_on{round}", new Dictionary<string, string>
                {
                    ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.ToString(),
                    ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                }));
            }
            result.Add(new Figure("records_per_second_off", "records/s, telemetry off", off.Average(), "records/s"));
            result.Add(new Figure("records_per_second_meters", "records/s, meters only (the default)", meters.Average(), "records/s"));
            result.Add(new Figure("records_per_second_on", "records/s, meters and traces on", on.Average(), "records/s"));
            result.Add(Figures.Ratio("ratio_meters_to_off", "meters only ÷ off", meters.Average() / off.Average()));
            result.Add(Figures.Ratio("ratio_on_to_off", "on ÷ off", on.Average() / off.Average(), Target.Min(0.95)));
            result.Add(new Figure("otlp_bytes", "OTLP bytes exported", collector.BytesReceived, "bytes"));
            result.Notes.Add($"rates off: {string.Join(", ", off.Select(r => r.ToString("0")))}; meters only: {string.Join(", ", meters.Select(r => r.ToString("0")))}; on: {string.Join(", ", on.Select(r => r.ToString("0")))} " +
                             $"records/s; each on a fresh node, S1's workload ({context.IngestWorkload("x").Calls} calls of 1,000 records)");
        });
    }

    private static async Task<double> RateAsync(BenchContext context, string prefix, IReadOnlyDictionary<string, string> settings)
    {
        await using var node = await context.StartNodeAsync($"node-{prefix.Replace('_', '-')}", onRedis: true, prefix, settings);
        await GrpcIngest.WarmUpAsync(context, node);
        var outcome = await GrpcIngest.RunAsync(node, BenchProject.Telemetry, context.IngestWorkload(prefix), $"{context.RunId}-{prefix}", Limit);
        if (outcome.TimedOut)
            throw new TimeoutException($"{prefix}: time limit reached after {outcome.Calls} of {outcome.PlannedCalls} calls");
        return outcome.RecordsPerSecond;
    }
}
