using Metrics.Bench.Load;

namespace Metrics.Bench.Scenarios;

/// <summary>The figures several scenarios report alike.</summary>
public static class Figures
{
    public const string RecordsPerSecond = "records_per_second";

    /// <summary>records/s (with its ratio to the floor when the floor ran), p50 and p99 call latency, calls made.</summary>
    public static void AddThroughput(ScenarioResult result, LoadOutcome outcome, double? floor, Target? target = null)
    {
        var rate = outcome.RecordsPerSecond;
        result.Add(new Figure(RecordsPerSecond, "records/s", rate, "records/s", target, floor is > 0 ? rate / floor : null));
        result.Add(new Figure("call_latency_p50_ms", "call latency p50", outcome.Latency.PercentileMs(50), "ms"));
        result.Add(new Figure("call_latency_p99_ms", "call latency p99", outcome.Latency.PercentileMs(99), "ms"));
        result.Add(new Figure("records", "records", outcome.Records, "records"));
        if (outcome.TimedOut)
        {
            result.Status = ScenarioStatus.TimedOut;
            result.Error = $"time limit reached after {outcome.Calls} of {outcome.PlannedCalls} calls; figures cover those";
        }
    }

    public static Figure Ratio(string key, string label, double value, Target? target = null) => new(key, label, value, "×", target);
}
