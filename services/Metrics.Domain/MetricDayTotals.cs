using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Metrics.Domain;

/// <summary>
/// The per-unit totals of one metric on one day: rows for the same unit add up. A metric is a ratio metric once
/// any of its rows carried a numerator and denominator.
/// </summary>
public sealed class MetricDayTotals
{
    private readonly Dictionary<UnitKey, UnitTotals> _units = new();

    /// <summary>One instance of each ID type for all units: a day holds millions of units but a few ID types.</summary>
    private readonly List<string> _idTypes = [];

    public bool IsRatio { get; private set; }

    public long Rows { get; private set; }

    public int UnitCount => _units.Count;

    public IReadOnlyDictionary<UnitKey, UnitTotals> Units => _units;

    public void Add(UnitKey unit, Measurement measurement)
    {
        ref var totals = ref TotalsOf(unit);
        totals = totals.Add(measurement);
        IsRatio |= measurement.IsRatio;
        Rows++;
    }

    public void Add(UnitKey unit, UnitTotals unitTotals, bool isRatio)
    {
        ref var totals = ref TotalsOf(unit);
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

    private ref UnitTotals TotalsOf(UnitKey unit)
    {
        ref var totals = ref CollectionsMarshal.GetValueRefOrNullRef(_units, unit);
        if (!Unsafe.IsNullRef(ref totals))
            return ref totals;
        return ref CollectionsMarshal.GetValueRefOrAddDefault(_units, unit with { IdType = SharedIdType(unit.IdType) }, out _);
    }

    private string SharedIdType(string idType)
    {
        foreach (var known in _idTypes)
            if (known == idType)
                return known;
        _idTypes.Add(idType);
        return idType;
    }
}
