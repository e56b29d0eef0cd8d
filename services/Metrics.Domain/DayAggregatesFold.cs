namespace Metrics.Domain;

/// <summary>Folds units one at a time into the overall aggregate and their ID type's, in the order they come.</summary>
internal sealed class DayAggregatesFold
{
    private readonly List<string> _idTypes = [];
    private AggregateFold[] _byIdType = new AggregateFold[4];
    private AggregateFold _overall;

    /// <summary>The ID type of the last unit's fold: a day's units share a few ID type instances, so most units find theirs at once.</summary>
    private int _current = -1;

    public void Add(string idType, UnitTotals totals)
    {
        _overall.Add(totals);
        if (_current < 0 || !ReferenceEquals(_idTypes[_current], idType))
            _current = FoldOf(idType);
        _byIdType[_current].Add(totals);
    }

    public DayAggregates ToDayAggregates() => new(
        _overall.ToAggregate(""),
        Enumerable.Range(0, _idTypes.Count)
            .OrderBy(i => _idTypes[i], StringComparer.Ordinal)
            .Select(i => _byIdType[i].ToAggregate(_idTypes[i]))
            .ToList());

    private int FoldOf(string idType)
    {
        var index = _idTypes.IndexOf(idType);
        if (index >= 0)
            return index;
        _idTypes.Add(idType);
        if (_idTypes.Count > _byIdType.Length)
            Array.Resize(ref _byIdType, 2 * _byIdType.Length);
        return _idTypes.Count - 1;
    }
}
