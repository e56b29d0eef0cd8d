using HdrHistogram;

namespace Metrics.Bench.Load;

/// <summary>Latencies in microseconds, from 1 µs to 10 minutes, to three significant digits.</summary>
public sealed class LatencyHistogram
{
    private readonly LongHistogram _histogram = new(600_000_000, 3);

    public long Count => _histogram.TotalCount;

    public void Record(TimeSpan latency) =>
        _histogram.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, _histogram.HighestTrackableValue));

    public void Add(LatencyHistogram other) => _histogram.Add(other._histogram);

    /// <summary>The latency at <paramref name="percentile"/> (0–100), in milliseconds.</summary>
    public double PercentileMs(double percentile) =>
        Count == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxMs => Count == 0 ? double.NaN : _histogram.GetMaxValue() / 1000.0;

    public static LatencyHistogram Merge(IEnumerable<LatencyHistogram> histograms)
    {
        var merged = new LatencyHistogram();
        foreach (var histogram in histograms)
            merged.Add(histogram);
        return merged;
    }
}
