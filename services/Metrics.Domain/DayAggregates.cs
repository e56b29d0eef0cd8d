namespace Metrics.Domain;

/// <summary>A metric-day's aggregate over all units, and one per ID type (ordered by ID type).</summary>
public sealed record DayAggregates(Aggregate Overall, IReadOnlyList<Aggregate> ByIdType)
{
    public static DayAggregates Of(IEnumerable<KeyValuePair<UnitKey, UnitTotals>> units)
    {
        var all = units as IReadOnlyCollection<KeyValuePair<UnitKey, UnitTotals>> ?? units.ToList();
        var byIdType = all
            .GroupBy(u => u.Key.IdType, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Aggregate.Of(g.Key, g.Select(u => u.Value)))
            .ToList();
        return new DayAggregates(Aggregate.Of("", all.Select(u => u.Value)), byIdType);
    }
}
