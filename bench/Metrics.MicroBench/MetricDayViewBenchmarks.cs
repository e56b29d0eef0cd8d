using BenchmarkDotNet.Attributes;
using Metrics.Domain;

namespace Metrics.MicroBench;

/// <summary>
/// Reading an open metric-day's aggregates: kept as rows come (<see cref="MetricDayTotals.Provisional"/>, what
/// <c>GetMetricDay</c> reads) against computed anew from every unit (<see cref="MetricDayTotals.Aggregate"/>, what the seal does).
/// </summary>
[MemoryDiagnoser]
public class MetricDayViewBenchmarks
{
    [Params(1_000, 1_000_000)]
    public int Units { get; set; }

    private MetricDayTotals _totals = null!;

    [GlobalSetup]
    public void SetUp()
    {
        _totals = new MetricDayTotals();
        for (var i = 0; i < Units; i++)
            _totals.Add(new UnitKey(i % 10 == 0 ? "stable_id" : "user_id", $"unit-{i:D7}"), new Measurement(i % 7, null, null));
    }

    [Benchmark]
    public DayAggregates Provisional() => _totals.Provisional();

    [Benchmark]
    public DayAggregates Aggregate() => _totals.Aggregate();
}
