using System.Diagnostics;

namespace Metrics.Bench.Load;

/// <summary>What a run of calls achieved, complete or cut short by its time limit.</summary>
public sealed record LoadOutcome(int Calls, int PlannedCalls, long Records, TimeSpan Elapsed, LatencyHistogram Latency)
{
    public bool TimedOut => Calls < PlannedCalls;

    public double RecordsPerSecond => Elapsed.TotalSeconds > 0 ? Records / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Closed-loop load: <c>callers</c> concurrent callers take call numbers 0, 1, 2, ... from one counter, build that
/// call's request, and send it as soon as their previous call answered. A call's latency is the time from sending
/// to its answer (building the request is not part of it). No call starts after the time limit. The first failed
/// call stops the run and is rethrown.
/// </summary>
public static class ClosedLoop
{
    /// <param name="prepare">call number → request.</param>
    /// <param name="send">(caller, request, cancellation) → records the call applied.</param>
    public static async Task<LoadOutcome> RunAsync<TRequest>(
        int callers, int calls, TimeSpan limit, Func<int, TRequest> prepare, Func<int, TRequest, CancellationToken, Task<long>> send)
    {
        var next = -1;
        var done = 0;
        var records = 0L;
        var histograms = Enumerable.Range(0, callers).Select(_ => new LatencyHistogram()).ToArray();
        Exception? failure = null;
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();

        async Task Caller(int caller)
        {
            while (!stop.IsCancellationRequested && clock.Elapsed < limit)
            {
                var k = Interlocked.Increment(ref next);
                if (k >= calls)
                    return;
                try
                {
                    var request = prepare(k);
                    var started = Stopwatch.GetTimestamp();
                    var applied = await send(caller, request, stop.Token);
                    histograms[caller].Record(Stopwatch.GetElapsedTime(started));
                    Interlocked.Add(ref records, applied);
                    Interlocked.Increment(ref done);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                    await stop.CancelAsync();
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(() => Caller(c))));
        var elapsed = clock.Elapsed;
        if (failure is not null)
            throw new BenchCallFailedException($"a call failed after {done} had succeeded: {failure.Message}", failure);
        return new LoadOutcome(done, calls, records, elapsed, LatencyHistogram.Merge(histograms));
    }
}

public sealed class BenchCallFailedException(string message, Exception inner) : Exception(message, inner);
