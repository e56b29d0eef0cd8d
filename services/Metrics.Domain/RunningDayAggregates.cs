namespace Metrics.Domain;

/// <summary>A metric-day's <see cref="RunningAggregate"/> over all units and one per ID type: a view of any day in O(ID types).</summary>
public sealed class RunningDayAggregates
{
    private readonly RunningAggregate _overall = new();

    /// <summary>
    /// One aggregate per ID type, in order of arrival: a day's units have a few ID types (those the project defines),
    /// so a list searched in turn costs less than a sorted map, and a day of one unit holds one small list.
    /// </summary>
    private readonly List<(string IdType, RunningAggregate Aggregate)> _byIdType = [];

    public void Change(string idType, UnitTotals before, UnitTotals after, UnitTotals added)
    {
        _overall.Change(before, after, added);
        Of(idType).Change(before, after, added);
    }

    /// <summary>The aggregates, by ID type in ordinal order.</summary>
    public DayAggregates ToDayAggregates() =>
        new(_overall.ToAggregate(""), _byIdType
            .OrderBy(a => a.IdType, StringComparer.Ordinal)
            .Select(a => a.Aggregate.ToAggregate(a.IdType))
            .ToList());

    private RunningAggregate Of(string idType)
    {
        foreach (var (known, aggregate) in _byIdType)
            if (ReferenceEquals(known, idType) || string.Equals(known, idType, StringComparison.Ordinal))
                return aggregate;
        var added = new RunningAggregate();
        _byIdType.Add((idType, added));
        return added;
    }
}
