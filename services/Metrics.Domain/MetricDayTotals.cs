namespace Metrics.Domain;

/// <summary>
/// The per-unit totals of one metric on one day: rows for the same unit add up. A metric is a ratio metric once
/// any of its rows carried a numerator and denominator.
/// </summary>
public sealed class MetricDayTotals
{
    private readonly Dictionary<UnitKey, UnitTotals> _units = new();

    public bool IsRatio { get; private set; }

    public long Rows { get; private set; }

    public int UnitCount => _units.Count;

    public IReadOnlyDictionary<UnitKey, UnitTotals> Units => _units;

    public void Add(UnitKey unit, Measurement measurement)
    {
        ref var totals = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_units, unit, out _);
        totals = totals.Add(measurement);
        IsRatio |= measurement.IsRatio;
        Rows++;
    }

    public void Add(UnitKey unit, UnitTotals unitTotals, bool isRatio)
    {
        ref var totals = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_units, unit, out _);
        totals = totals.Add(unitTotals);
        IsRatio |= isRatio;
        Rows += unitTotals.Rows;
    }

    public MetricDayTotals Merge(MetricDayTotals other)
    {
        var merged = new MetricDayTotals();
        foreach (var (unit, totals) in _units) merged.Add(unit, totals, IsRatio);
        foreach (var (unit, totals) in other._units) merged.Add(unit, totals, other.IsRatio);
        return merged;
    }

    public DayAggregates Aggregate() => DayAggregates.Of(_units);
}
