namespace Metrics.Domain;

/// <summary>A metric-day's aggregate over all units, and one per ID type (ordered by ID type).</summary>
public sealed record DayAggregates(Aggregate Overall, IReadOnlyList<Aggregate> ByIdType)
{
    /// <summary>One pass over the units, each folded into the overall aggregate and its ID type's, in the order they come.</summary>
    public static DayAggregates Of(IEnumerable<KeyValuePair<UnitKey, UnitTotals>> units)
    {
        var fold = new DayAggregatesFold();
        foreach (var (unit, totals) in units)
            fold.Add(unit.IdType, totals);
        return fold.ToDayAggregates();
    }
}
