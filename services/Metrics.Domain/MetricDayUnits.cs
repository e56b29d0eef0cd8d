namespace Metrics.Domain;

/// <summary>
/// The units of one metric-day, production and test records apart (test records never count in production), with
/// running aggregates of each view, so that reading the day costs O(ID types) however many units it holds.
/// </summary>
public sealed class MetricDayUnits
{
    /// <summary>The view with test records, where a unit's production and test rows add up; kept once the day holds test rows.</summary>
    private RunningDayAggregates? _withTest;

    public MetricDayUnits()
        : this(new MetricDayTotals(), new MetricDayTotals())
    {
    }

    public MetricDayUnits(MetricDayTotals production, MetricDayTotals test)
    {
        Production = production;
        Test = test;
        if (test.Rows > 0)
            _withTest = WithTest();
    }

    public MetricDayTotals Production { get; }

    public MetricDayTotals Test { get; }

    public void Add(UnitKey unit, Measurement measurement, bool isTest)
    {
        if (isTest)
            _withTest ??= WithTest();
        var (totals, other) = isTest ? (Test, Production) : (Production, Test);
        var before = totals.Add(unit, measurement);
        if (_withTest is null)
            return;
        var added = UnitTotals.Of(measurement);
        var elsewhere = other.TotalsOf(unit);
        _withTest.Change(unit.IdType, before.Add(elsewhere), before.Add(added).Add(elsewhere), added);
    }

    /// <summary>Hints that a unit is added a few rows from now (<see cref="MetricDayTotals.Prefetch"/>).</summary>
    public void Prefetch(UnitKey unit, bool isTest) => (isTest ? Test : Production).Prefetch(unit);

    /// <summary>The production view, or with <paramref name="includeTest"/> both together; null when that view holds no rows.</summary>
    public (bool IsRatio, DayAggregates Aggregates)? View(bool includeTest)
    {
        if (includeTest && _withTest is not null)
            return (Production.IsRatio || Test.IsRatio, _withTest.ToDayAggregates());
        return Production.Rows > 0 ? (Production.IsRatio, Production.Provisional()) : null;
    }

    private RunningDayAggregates WithTest()
    {
        var both = new RunningDayAggregates();
        var production = Production.Table;
        for (var position = 0; position < production.Count; position++)
            both.Change(production.IdTypeAt(position), default, production.TotalsAt(position), production.TotalsAt(position));
        foreach (var (unit, totals) in Test.Units)
        {
            var ofProduction = Production.TotalsOf(unit);
            both.Change(unit.IdType, ofProduction, ofProduction.Add(totals), totals);
        }
        return both;
    }
}
