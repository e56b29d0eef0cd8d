namespace Metrics.Domain;

/// <summary>
/// The per-unit totals of one metric on one day: rows for the same unit add up. A metric is a ratio metric once
/// any of its rows carried a numerator and denominator. <see cref="Provisional"/> reads the aggregates kept as rows
/// come; <see cref="Aggregate"/> computes them anew from the units, as the seal does. The units are kept in a
/// <see cref="UnitTable"/>, without an object each.
/// </summary>
public sealed class MetricDayTotals
{
    private readonly UnitTable _units;

    private readonly RunningDayAggregates _running = new();

    /// <param name="expectedUnits">The units the day is expected to hold, room for which is made at once (0: none).</param>
    public MetricDayTotals(int expectedUnits = 0) => _units = new UnitTable(expectedUnits);

    public bool IsRatio { get; private set; }

    public long Rows { get; private set; }

    public int UnitCount => _units.Count;

    /// <summary>Every unit with its totals, in order of arrival; each ID is made a string as it is read.</summary>
    public IEnumerable<KeyValuePair<UnitKey, UnitTotals>> Units
    {
        get
        {
            for (var position = 0; position < _units.Count; position++)
                yield return _units.UnitAt(position);
        }
    }

    /// <summary><see cref="Units"/> in an array of their number.</summary>
    public KeyValuePair<UnitKey, UnitTotals>[] UnitsToArray()
    {
        var units = new KeyValuePair<UnitKey, UnitTotals>[_units.Count];
        for (var position = 0; position < units.Length; position++)
            units[position] = _units.UnitAt(position);
        return units;
    }

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

    /// <summary>How many rows ahead of the row being added <see cref="Prefetch"/> pays best (measured on 100,000-unit days).</summary>
    public const int PrefetchDistance = 8;

    /// <summary>Hints that a unit is added a few rows from now: its place in the day is fetched into the cache meanwhile.</summary>
    public void Prefetch(UnitKey unit) => _units.Prefetch(unit.UserId);

    /// <summary>A unit's totals; zero totals when the day does not hold it.</summary>
    public UnitTotals TotalsOf(UnitKey unit) => _units.Get(unit.IdType, unit.UserId);

    /// <summary>The aggregates as kept while rows came in: O(ID types) to read, equal to <see cref="Aggregate"/> up to rounding.</summary>
    public DayAggregates Provisional() => _running.ToDayAggregates();

    /// <summary>The aggregates computed from every unit, in order of arrival.</summary>
    public DayAggregates Aggregate()
    {
        var fold = new DayAggregatesFold();
        for (var position = 0; position < _units.Count; position++)
            fold.Add(_units.IdTypeAt(position), _units.TotalsAt(position));
        return fold.ToDayAggregates();
    }

    /// <summary>The units' positions ordered by ID type, then ID (ordinal): the order an export pages through.</summary>
    public int[] OrderedPositions() => _units.OrderedPositions();

    /// <summary>The unit at a position of <see cref="OrderedPositions"/>.</summary>
    public KeyValuePair<UnitKey, UnitTotals> UnitAt(int position) => _units.UnitAt(position);

    internal UnitTable Table => _units;

    private UnitTotals Add(UnitKey unit, UnitTotals added)
    {
        ref var totals = ref _units.GetOrAdd(unit.IdType, unit.UserId);
        var before = totals;
        totals = totals.Add(added);
        Rows += added.Rows;
        _running.Change(unit.IdType, before, totals, added);
        return before;
    }
}
