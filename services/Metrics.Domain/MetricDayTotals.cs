using System.Runtime.InteropServices;

namespace Metrics.Domain;

/// <summary>
/// The per-unit totals of one metric on one day: rows for the same unit add up. A metric is a ratio metric once
/// any of its rows carried a numerator and denominator. <see cref="Provisional"/> reads the aggregates kept as rows
/// come; <see cref="Aggregate"/> computes them anew from the units, as the seal does.
/// </summary>
public sealed class MetricDayTotals
{
    private readonly Dictionary<UnitKey, UnitTotals> _units = new(UnitKeyComparer.Instance);

    /// <summary>One instance of each ID type for all units: a day holds millions of units but a few ID types.</summary>
    private readonly List<string> _idTypes = [];

    private readonly RunningDayAggregates _running = new();

    public bool IsRatio { get; private set; }

    public long Rows { get; private set; }

    public int UnitCount => _units.Count;

    public IReadOnlyDictionary<UnitKey, UnitTotals> Units => _units;

    /// <summary>Adds one row; returns the unit's totals before it.</summary>
    public UnitTotals Add(UnitKey unit, Measurement measurement)
    {
        IsRatio |= measurement.IsRatio;
        return Add(unit, UnitTotals.Of(measurement));
    }

    public void Add(UnitKey unit, UnitTotals unitTotals, bool isRatio)
    {
        IsRatio |= isRatio;
        Add(unit, unitTotals);
    }

    /// <summary>The aggregates as kept while rows came in: O(ID types) to read, equal to <see cref="Aggregate"/> up to rounding.</summary>
    public DayAggregates Provisional() => _running.ToDayAggregates();

    public DayAggregates Aggregate() => DayAggregates.Of(_units);

    private UnitTotals Add(UnitKey unit, UnitTotals added)
    {
        ref var totals = ref TotalsOf(unit);
        var before = totals;
        totals = totals.Add(added);
        Rows += added.Rows;
        _running.Change(unit.IdType, before, totals, added);
        return before;
    }

    /// <summary>One lookup, which adds a new unit with its ID type's one instance.</summary>
    private ref UnitTotals TotalsOf(UnitKey unit) =>
        ref CollectionsMarshal.GetValueRefOrAddDefault(_units, unit with { IdType = SharedIdType(unit.IdType) }, out _);

    private string SharedIdType(string idType)
    {
        foreach (var known in _idTypes)
            if (string.Equals(known, idType))
                return known;
        _idTypes.Add(idType);
        return idType;
    }
}
