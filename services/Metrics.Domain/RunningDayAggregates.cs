namespace Metrics.Domain;

/// <summary>A metric-day's <see cref="RunningAggregate"/> over all units and one per ID type: a view of any day in O(ID types).</summary>
public sealed class RunningDayAggregates
{
    private readonly RunningAggregate _overall = new();
    private readonly SortedDictionary<string, RunningAggregate> _byIdType = new(StringComparer.Ordinal);

    public void Change(string idType, UnitTotals before, UnitTotals after, UnitTotals added)
    {
        _overall.Change(before, after, added);
        if (!_byIdType.TryGetValue(idType, out var ofIdType))
            _byIdType[idType] = ofIdType = new RunningAggregate();
        ofIdType.Change(before, after, added);
    }

    public DayAggregates ToDayAggregates() =>
        new(_overall.ToAggregate(""), _byIdType.Select(a => a.Value.ToAggregate(a.Key)).ToList());
}
