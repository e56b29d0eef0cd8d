using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;
using Metrics.Contracts.V1;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// S4: two nodes of one cluster over the run's Redis, 5 Logstream subscribers (gRPC Subscribe, no filters) on each.
/// Records are ingested at a fixed rate — 1,000-record calls started on a schedule whatever the previous calls do
/// (open loop), alternately through each node — in steps of a bounded time: 20,000 records/s, then doubling while
/// the rate holds, or, if 20,000 does not hold, halving down to 2,500 until a rate holds. Each step writes metrics of
/// its own, so every entry a subscriber receives is counted for its step: latency = receive time − the entry's
/// <c>ingested_at</c> (same machine clock), entries received, and entries reported lost in <c>dropped_before</c>;
/// entries neither received nor reported lost are counted as missing.
/// A step holds when it ingested at ≥ 95% of its rate, p99 ≤ 100 ms, and nothing was dropped or missing.
/// The figure is the highest rate that held.
/// </summary>
public static class LogstreamScenario
{
    public const string Title = "Logstream: 5 subscribers on each of 2 nodes, ingest through both";

    private const int SubscribersPerNode = 5;
    private const int MaxCallsInFlight = 32;
    private const int BaseRate = 20_000;
    private const int MaxRate = 320_000;
    private const int MinRate = 2_500;
    private const double LatencyTargetMs = 100;

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs("S4"))
            return;
        var nodes = new List<MetricsServerProcess>();
        try
        {
            nodes.Add(await context.StartNodeAsync("node-stream-1", onRedis: true, "stream"));
            nodes.Add(await context.StartNodeAsync("node-stream-2", onRedis: true, "stream"));
        }
        catch (Exception e)
        {
            context.FailUnstarted([("S4", Title)], e);
            foreach (var started in nodes)
                await started.DisposeAsync();
            return;
        }
        try
        {
            foreach (var node in nodes)
                await GrpcIngest.WarmUpAsync(context, node);
            await context.MeasureAsync("S4", Title, (result, _) => MeasureAsync(context, nodes, result));
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
    }

    private static async Task MeasureAsync(BenchContext context, List<MetricsServerProcess> nodes, ScenarioResult result)
    {
        var stepTime = TimeSpan.FromSeconds(Math.Max(2, 10 * context.Options.Scale));
        var project = BenchProject.Logstream;
        var steps = new ConcurrentDictionary<string, Step>(StringComparer.Ordinal);
        var channels = nodes.SelectMany(n => Enumerable.Range(0, 2).Select(_ => n.CreateChannel())).ToArray();
        using var stop = new CancellationTokenSource();
        var subscribers = new List<Subscriber>();
        try
        {
            foreach (var node in nodes)
            {
                for (var i = 0; i < SubscribersPerNode; i++)
                {
                    var channel = node.CreateChannel();
                    subscribers.Add(await Subscriber.StartAsync(subscribers.Count, channel, project, steps, stop.Token));
                }
            }

            var warmup = await RunStepAsync(context, channels, subscribers, steps, rate: BaseRate / 2, TimeSpan.FromSeconds(2), "warmup");
            var reports = new List<StepReport>();
            async Task<StepReport> Step(int rate)
            {
                var report = await RunStepAsync(context, channels, subscribers, steps, rate, stepTime, $"r{rate}");
                reports.Add(report);
                BenchContext.Progress($"S4: {report}");
                return report;
            }

            // Up from 20,000 records/s while the rate holds; if 20,000 does not, down until one does.
            if ((await Step(BaseRate)).Held)
            {
                for (var rate = BaseRate * 2; rate <= MaxRate && (await Step(rate)).Held; rate *= 2)
                {
                }
            }
            else
            {
                for (var rate = BaseRate / 2; rate >= MinRate && !(await Step(rate)).Held; rate /= 2)
                {
                }
            }

            var first = reports[0];
            result.Add(new Figure("p99_ms_at_20000", $"p99 ingest→delivery at {BaseRate:N0}/s", first.P99Ms, "ms", Target.Max(LatencyTargetMs)));
            result.Add(new Figure("p50_ms_at_20000", $"p50 ingest→delivery at {BaseRate:N0}/s", first.P50Ms, "ms"));
            result.Add(new Figure("dropped_at_20000", $"entries dropped at {BaseRate:N0}/s", first.Dropped, "entries", Target.Max(0)));
            result.Add(new Figure("missing_at_20000", $"entries missing at {BaseRate:N0}/s", first.Missing, "entries", Target.Max(0)));
            var highest = reports.Where(r => r.Held).Select(r => r.Rate).DefaultIfEmpty(0).Max();
            result.Add(new Figure("highest_rate_holding", "highest rate holding p99 ≤ 100 ms, no loss", highest, "records/s", Target.Min(BaseRate)));
            if (reports.All(r => r.Held))
                result.Notes.Add($"every step up to {MaxRate:N0} records/s held; higher rates were not tried");
            if (highest == 0)
                result.Notes.Add($"no step down to {MinRate:N0} records/s held");
            result.Notes.Add($"{nodes.Count} nodes × {SubscribersPerNode} subscribers; steps of {stepTime.TotalSeconds:0} s, rate doubling from {BaseRate:N0} records/s " +
                             $"while it holds, else halving until one holds; " +
                             $"1,000-record calls on a fixed schedule, alternately through each node, at most {MaxCallsInFlight} in flight");
            result.Detail = new { warmup, steps = reports };
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var subscriber in subscribers)
                await subscriber.DisposeAsync();
            foreach (var channel in channels)
                channel.Dispose();
        }
    }

    private static async Task<StepReport> RunStepAsync(
        BenchContext context, GrpcChannel[] channels, List<Subscriber> subscribers, ConcurrentDictionary<string, Step> steps,
        int rate, TimeSpan duration, string name)
    {
        var calls = Math.Max(1, (int)(rate * duration.TotalSeconds / 1000));
        var workload = new IngestWorkload($"s4_{name}", Metrics: 20, UnitsPerMetric: 100_000, Calls: calls, context.Date);
        var step = new Step(name, subscribers.Count);
        foreach (var metric in workload.MetricNames)
            steps[metric] = step;

        var clients = channels.Select(c => new IngestService.IngestServiceClient(c)).ToArray();
        var headers = BenchProject.Logstream.IngestHeaders;
        var interval = TimeSpan.FromSeconds(1000.0 / rate);
        var issueLimit = duration * 2 + TimeSpan.FromSeconds(10);
        var inFlight = new SemaphoreSlim(MaxCallsInFlight);
        var pending = new List<Task>();
        var callLatency = new LatencyHistogram();
        var accepted = 0L;
        Exception? failure = null;
        var issued = 0;
        var clock = Stopwatch.StartNew();
        for (; issued < calls && clock.Elapsed < issueLimit && failure is null; issued++)
        {
            var due = interval * issued;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait);
            await inFlight.WaitAsync();
            var request = workload.Request(issued, $"{context.RunId}-s4-{name}-{issued}");
            // Alternate nodes: even calls through node 1's channels, odd ones through node 2's.
            var client = clients[(issued % 2) * (clients.Length / 2) + (issued / 2) % (clients.Length / 2)];
            pending.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var reply = await client.LogCustomMetricAsync(request, headers, DateTime.UtcNow.AddMinutes(1));
                    Interlocked.Add(ref accepted, GrpcIngest.Applied(reply, request));
                    lock (callLatency)
                        callLatency.Record(Stopwatch.GetElapsedTime(started));
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
                finally
                {
                    inFlight.Release();
                }
            }));
        }
        await Task.WhenAll(pending);
        var ingestSeconds = Math.Max(clock.Elapsed.TotalSeconds, duration.TotalSeconds);
        if (failure is not null)
            throw new BenchCallFailedException($"step {name}: an ingest call failed: {failure.Message}", failure);

        // Wait for the subscribers to catch up: until each has accounted for every entry, or 5 s without progress.
        var drain = Stopwatch.StartNew();
        var lastSeen = -1L;
        var lastProgress = Stopwatch.StartNew();
        while (drain.Elapsed < TimeSpan.FromSeconds(30) && lastProgress.Elapsed < TimeSpan.FromSeconds(5))
        {
            subscribers.ForEach(s => s.ThrowIfFailed());
            var seen = step.AccountedFor();
            if (step.AllAccountedFor(accepted))
                break;
            if (seen != lastSeen)
            {
                lastSeen = seen;
                lastProgress.Restart();
            }
            await Task.Delay(50);
        }
        return step.Report(rate, accepted / ingestSeconds, issued, calls, accepted, callLatency.PercentileMs(99));
    }

    /// <summary>What the subscribers saw of one step's entries.</summary>
    private sealed class Step(string name, int subscribers)
    {
        private readonly long[] _received = new long[subscribers];
        private readonly long[] _dropped = new long[subscribers];
        private readonly LatencyHistogram[] _latency = Enumerable.Range(0, subscribers).Select(_ => new LatencyHistogram()).ToArray();

        public void Received(int subscriber, ulong droppedBefore, TimeSpan latency)
        {
            lock (_latency[subscriber])
            {
                _received[subscriber]++;
                _dropped[subscriber] += (long)droppedBefore;
                _latency[subscriber].Record(latency);
            }
        }

        public long AccountedFor()
        {
            var total = 0L;
            for (var i = 0; i < _received.Length; i++)
                total += Interlocked.Read(ref _received[i]) + Interlocked.Read(ref _dropped[i]);
            return total;
        }

        public bool AllAccountedFor(long expected)
        {
            for (var i = 0; i < _received.Length; i++)
            {
                if (Interlocked.Read(ref _received[i]) + Interlocked.Read(ref _dropped[i]) < expected)
                    return false;
            }
            return true;
        }

        public StepReport Report(int rate, double achieved, int issued, int planned, long accepted, double callP99Ms)
        {
            var latency = new LatencyHistogram();
            long received = 0, dropped = 0, missing = 0;
            for (var i = 0; i < _received.Length; i++)
            {
                lock (_latency[i])
                {
                    latency.Add(_latency[i]);
                    received += _received[i];
                    dropped += _dropped[i];
                    missing += Math.Max(0, accepted - _received[i] - _dropped[i]);
                }
            }
            var held = achieved >= 0.95 * rate && issued == planned && latency.PercentileMs(99) <= LatencyTargetMs && dropped == 0 && missing == 0;
            return new StepReport(name, rate, Math.Round(achieved), accepted, received, dropped, missing,
                latency.PercentileMs(50), latency.PercentileMs(99), latency.MaxMs, callP99Ms, held);
        }
    }

    public sealed record StepReport(
        string Step, int Rate, double AchievedRate, long Accepted, long Received, long Dropped, long Missing,
        double P50Ms, double P99Ms, double MaxMs, double CallP99Ms, bool Held)
    {
        public override string ToString() =>
            $"{Rate:N0}/s: ingested {AchievedRate:N0}/s, delivery p50 {P50Ms:0.0} ms p99 {P99Ms:0.0} ms max {MaxMs:0.0} ms, " +
            $"dropped {Dropped:N0}, missing {Missing:N0}, call p99 {CallP99Ms:0.0} ms: {(Held ? "holds" : "does not hold")}";
    }

    /// <summary>One Logstream subscription, counting each entry for the step its metric belongs to.</summary>
    private sealed class Subscriber : IAsyncDisposable
    {
        private readonly int _slot;
        private readonly GrpcChannel _channel;
        private readonly AsyncServerStreamingCall<LogstreamEntry> _call;
        private Task _reading = Task.CompletedTask;

        private Subscriber(int slot, GrpcChannel channel, AsyncServerStreamingCall<LogstreamEntry> call)
        {
            _slot = slot;
            _channel = channel;
            _call = call;
        }

        /// <param name="slot">Which subscriber of the scenario this is (0–9), for its per-step counters.</param>
        public static async Task<Subscriber> StartAsync(
            int slot, GrpcChannel channel, ProjectKeys project, ConcurrentDictionary<string, Step> steps, CancellationToken stop)
        {
            var client = new LogstreamService.LogstreamServiceClient(channel);
            var call = client.Subscribe(new SubscribeRequest(), project.SecretHeaders, cancellationToken: stop);
            await call.ResponseHeadersAsync; // the subscription is live: nothing ingested from now on is missed
            var subscriber = new Subscriber(slot, channel, call);
            subscriber._reading = Task.Run(() => subscriber.ReadAsync(steps, stop));
            return subscriber;
        }

        public void ThrowIfFailed()
        {
            if (_reading.IsFaulted)
                throw new InvalidOperationException($"Logstream subscriber {_slot} stopped: {_reading.Exception!.InnerException!.Message}");
        }

        private async Task ReadAsync(ConcurrentDictionary<string, Step> steps, CancellationToken stop)
        {
            try
            {
                while (await _call.ResponseStream.MoveNext(stop))
                {
                    var entry = _call.ResponseStream.Current;
                    var now = DateTime.UtcNow;
                    var ingested = entry.IngestedAt;
                    var latency = now - DateTime.UnixEpoch.AddTicks(ingested.Seconds * TimeSpan.TicksPerSecond + ingested.Nanos / 100);
                    if (steps.TryGetValue(entry.MetricName, out var step))
                        step.Received(_slot, entry.DroppedBefore, latency < TimeSpan.Zero ? TimeSpan.Zero : latency);
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && stop.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _reading;
            }
            catch (Exception)
            {
                // Its failure, if any, was reported by ThrowIfFailed.
            }
            _call.Dispose();
            _channel.Dispose();
        }
    }
}
