using System.Diagnostics;
using Grpc.Core;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;
using Metrics.Contracts.V1;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// S10, on an embedded node of its own (where refused records would pile up in the server's own memory): one tenant
/// floods the node, another must not notice.
/// <list type="number">
/// <item>The quiet project alone: ~300 calls of one record, one at a time.</item>
/// <item>The hostile project (an ingest key of its own) sends only the refused calls below, from two connections,
/// while the quiet project's calls run again: what refused traffic alone costs another tenant (no target).</item>
/// <item>Then it floods from four connections: two send 10,000-record calls
/// whose every record has an ID type the project does not know (each refused whole, <c>INVALID_ARGUMENT</c>), two
/// send calls of 1,000 new metric names each until its <c>MetricNames</c> quota refuses them
/// (<c>RESOURCE_EXHAUSTED</c>), and go on sending them.</item>
/// <item>Meanwhile the quiet project's calls again; the figures are its p99 under the flood against alone, and the
/// node's resident memory before the flood, at its peak (sampled every 250 ms) and after.</item>
/// </list>
/// The flood stops when the quiet calls are done; each flooder's calls and the whole flood are bounded as well.
/// </summary>
public static class HostileTenantScenario
{
    public const string Title = "Quiet project's p99 while another floods refused and over-quota calls";

    private const int InvalidRecordsPerCall = 10_000;
    private const int NewNamesPerCall = 1000;
    private const int FloodersPerKind = 2;
    private static readonly TimeSpan CallDeadline = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan FloodLimit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan MemorySampling = TimeSpan.FromMilliseconds(250);

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs("S10"))
            return;
        var options = context.Options;
        var quietCalls = options.Scaled(300, 100);
        var callsPerFlooder = options.Scaled(2000, 200);

        await using var node = await context.StartNodeAsync("node-hostile", onRedis: false, "hostile");
        await GrpcIngest.WarmUpAsync(context, node);
        await context.MeasureAsync("S10", Title, async (result, _) =>
        {
            using var channel = node.CreateChannel();
            var quiet = new IngestService.IngestServiceClient(channel);
            var alone = await QuietCallsAsync(quiet, context.Date, quietCalls, "alone");
            var refusedFlood = new Flood(FloodersPerKind);
            using (var stopRefused = new CancellationTokenSource(FloodLimit))
            {
                var invalid = InvalidRequest(context.Date);
                var refusedOnly = Enumerable.Range(0, FloodersPerKind)
                    .Select(_ => FloodAsync(node, callsPerFlooder, stopRefused.Token, _ => invalid, refusedFlood))
                    .ToArray();
                await Task.WhenAny(refusedFlood.Answered.Task, Task.WhenAll(refusedOnly));
                var underRefused = await QuietCallsAsync(quiet, context.Date, quietCalls, "refused");
                await stopRefused.CancelAsync();
                await Task.WhenAll(refusedOnly);
                result.Add(new Figure("quiet_p99_refused_ms", "quiet p99, under the refused calls alone", underRefused.PercentileMs(99), "ms"));
                result.Add(Figures.Ratio("quiet_p99_refused_ratio", "quiet p99 refused alone ÷ alone", underRefused.PercentileMs(99) / alone.PercentileMs(99)));
            }

            var before = Resident(node);
            var flood = new Flood(2 * FloodersPerKind);
            using var stop = new CancellationTokenSource(FloodLimit);
            var peak = SamplePeakAsync(node, before, stop.Token);
            var flooders = Enumerable.Range(0, FloodersPerKind).SelectMany(caller =>
            {
                var invalid = InvalidRequest(context.Date);
                return new[]
                {
                    FloodAsync(node, callsPerFlooder, stop.Token, _ => invalid, flood),
                    FloodAsync(node, callsPerFlooder, stop.Token, call => NewNamesRequest(context.Date, caller, call), flood),
                };
            }).ToArray();
            await Task.WhenAny(flood.Answered.Task, Task.WhenAll(flooders));
            var underFlood = await QuietCallsAsync(quiet, context.Date, quietCalls, "flood");
            var floodStillRunning = flooders.Any(f => !f.IsCompleted);
            await stop.CancelAsync();
            await Task.WhenAll(flooders);
            var peakBytes = await peak;
            var after = Resident(node);

            result.Add(new Figure("quiet_p50_alone_ms", "quiet p50, alone", alone.PercentileMs(50), "ms"));
            result.Add(new Figure("quiet_p99_alone_ms", "quiet p99, alone", alone.PercentileMs(99), "ms"));
            result.Add(new Figure("quiet_p50_flood_ms", "quiet p50, under the flood", underFlood.PercentileMs(50), "ms"));
            result.Add(new Figure("quiet_p99_flood_ms", "quiet p99, under the flood", underFlood.PercentileMs(99), "ms"));
            result.Add(Figures.Ratio("quiet_p99_ratio", "quiet p99 flood ÷ alone", underFlood.PercentileMs(99) / alone.PercentileMs(99), Target.Max(5)));
            result.Add(new Figure("rss_before_mb", "node resident memory before the flood", Megabytes(before), "MB"));
            result.Add(new Figure("rss_peak_mb", "node resident memory, peak", Megabytes(peakBytes), "MB"));
            result.Add(new Figure("rss_after_mb", "node resident memory after the flood", Megabytes(after), "MB"));
            result.Add(new Figure("rss_growth_mb", "resident memory growth, peak − before", Megabytes(peakBytes - before), "MB", Target.Max(500)));
            result.Add(new Figure("hostile_invalid_argument", "hostile calls answered INVALID_ARGUMENT", flood.InvalidArgument, "calls"));
            result.Add(new Figure("hostile_resource_exhausted", "hostile calls answered RESOURCE_EXHAUSTED", flood.ResourceExhausted, "calls"));
            result.Add(new Figure("hostile_applied", "hostile calls applied (new names under the quota)", flood.Applied, "calls"));
            result.Add(new Figure("hostile_other", "hostile calls answered otherwise", flood.Other, "calls", Target.Max(0)));
            result.Notes.Add($"{quietCalls} one-record calls of the quiet project alone, then as many under a flood of {FloodersPerKind} connections " +
                             $"sending {InvalidRecordsPerCall:N0}-record calls of an unknown id_type and {FloodersPerKind} sending calls of " +
                             $"{NewNamesPerCall:N0} new metric names (default MetricNames quota); embedded node");
            if (!floodStillRunning)
                result.Notes.Add($"the flood reached its bound ({callsPerFlooder} calls a connection, {FloodLimit.TotalMinutes:0} min) before the quiet calls ended");
            if (flood.FirstOther is { } other)
                result.Notes.Add($"first unexpected hostile answer: {other}");
        });
    }

    /// <summary>The hostile calls' answers, counted from every flooder.</summary>
    private sealed class Flood(int flooders)
    {
        private long _invalidArgument, _resourceExhausted, _applied, _other;

        /// <summary>Set once as many calls were answered as there are flooders: the flood is under way.</summary>
        public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? FirstOther { get; private set; }

        public long InvalidArgument => Interlocked.Read(ref _invalidArgument);

        public long ResourceExhausted => Interlocked.Read(ref _resourceExhausted);

        public long Applied => Interlocked.Read(ref _applied);

        public long Other => Interlocked.Read(ref _other);

        public void Count(StatusCode? status, string detail)
        {
            switch (status)
            {
                case null:
                    Interlocked.Increment(ref _applied);
                    break;
                case StatusCode.InvalidArgument:
                    Interlocked.Increment(ref _invalidArgument);
                    break;
                case StatusCode.ResourceExhausted:
                    Interlocked.Increment(ref _resourceExhausted);
                    break;
                default:
                    if (Interlocked.Increment(ref _other) == 1)
                        FirstOther = detail;
                    break;
            }
            if (InvalidArgument + ResourceExhausted + Applied >= flooders)
                Answered.TrySetResult();
        }
    }

    private static async Task FloodAsync(
        MetricsServerProcess node, int calls, CancellationToken stop, Func<int, LogCustomMetricRequest> request, Flood flood)
    {
        using var channel = node.CreateChannel();
        var client = new IngestService.IngestServiceClient(channel);
        // A call in flight is not cancelled: every hostile call is answered, and counted.
        for (var call = 0; call < calls && !stop.IsCancellationRequested; call++)
        {
            try
            {
                var reply = await client.LogCustomMetricAsync(request(call), BenchProject.Hostile.IngestHeaders, DateTime.UtcNow + CallDeadline);
                flood.Count(reply.Success ? null : StatusCode.Unknown, $"success {reply.Success}, accepted {reply.Accepted}");
            }
            catch (RpcException e)
            {
                flood.Count(e.StatusCode, $"{e.StatusCode}: {e.Status.Detail}");
            }
        }
    }

    private static async Task<long> SamplePeakAsync(MetricsServerProcess node, long before, CancellationToken stop)
    {
        var peak = before;
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, ResidentMemory.Bytes(node.ProcessId) ?? 0);
            await Task.Delay(MemorySampling, CancellationToken.None);
        }
        return Math.Max(peak, ResidentMemory.Bytes(node.ProcessId) ?? 0);
    }

    private static async Task<LatencyHistogram> QuietCallsAsync(IngestService.IngestServiceClient client, string date, int calls, string phase)
    {
        var latencies = new LatencyHistogram();
        for (var call = 0; call < calls; call++)
        {
            var request = new LogCustomMetricRequest
            {
                Metrics = { new MetricRecord { UserId = $"{phase}-{call}", IdType = "user_id", MetricName = "quiet", MetricValue = 1, Date = date } },
            };
            var started = Stopwatch.GetTimestamp();
            GrpcIngest.Applied(await client.LogCustomMetricAsync(request, BenchProject.Quiet.IngestHeaders, DateTime.UtcNow + CallDeadline), request);
            latencies.Record(Stopwatch.GetElapsedTime(started));
        }
        return latencies;
    }

    /// <summary>Refused whole: no record's ID type is one the project knows.</summary>
    private static LogCustomMetricRequest InvalidRequest(string date)
    {
        var request = new LogCustomMetricRequest();
        for (var record = 0; record < InvalidRecordsPerCall; record++)
            request.Metrics.Add(new MetricRecord { UserId = $"u{record:D5}", IdType = "no_such_id_type", MetricName = "hostile", MetricValue = 1, Date = date });
        return request;
    }

    /// <summary>1,000 metric names no call sent before: applied until the project's MetricNames quota is reached.</summary>
    private static LogCustomMetricRequest NewNamesRequest(string date, int caller, int call)
    {
        var request = new LogCustomMetricRequest();
        for (var name = 0; name < NewNamesPerCall; name++)
            request.Metrics.Add(new MetricRecord { UserId = "u", IdType = "user_id", MetricName = $"h{caller}_{call:D5}_{name:D4}", MetricValue = 1, Date = date });
        return request;
    }

    private static long Resident(MetricsServerProcess node) =>
        ResidentMemory.Bytes(node.ProcessId) ?? throw new InvalidOperationException($"{node.Name} is gone");

    private static double Megabytes(long bytes) => bytes / (1024.0 * 1024.0);
}
