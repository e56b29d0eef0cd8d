using Metrics.Domain;

namespace Metrics.Domain.Tests;

/// <summary>
/// The aggregates kept as rows come (what an open day's view reads, in O(ID types)) equal the aggregates computed
/// anew from the units (what the seal computes), up to rounding — also when units get later rows, and with test
/// records added up per unit in the view that includes them.
/// </summary>
public class RunningAggregatesTests
{
    private static readonly string[] IdTypes = ["user_id", "stable_id", "company_id"];

    private static (UnitKey Unit, Measurement Measurement)[] Rows(int seed, int count, double offset = 0)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var unit = new UnitKey(IdTypes[random.Next(IdTypes.Length)], $"u{random.Next(200)}");
            var measurement = random.Next(4) == 0
                ? new Measurement(null, random.Next(-50, 50), random.Next(1, 9))
                : new Measurement(offset + random.NextDouble() * 100 - 50, null, null);
            return (unit, measurement);
        }).ToArray();
    }

    private static void AssertClose(DayAggregates expected, DayAggregates actual)
    {
        Assert.Equal(expected.ByIdType.Select(a => a.IdType), actual.ByIdType.Select(a => a.IdType));
        foreach (var (e, a) in expected.ByIdType.Prepend(expected.Overall).Zip(actual.ByIdType.Prepend(actual.Overall)))
        {
            Assert.Equal((e.IdType, e.UnitCount, e.RowCount), (a.IdType, a.UnitCount, a.RowCount));
            foreach (var (x, y) in new[] { (e.Sum, a.Sum), (e.Mean, a.Mean), (e.Variance, a.Variance), (e.NumeratorSum, a.NumeratorSum),
                         (e.DenominatorSum, a.DenominatorSum), (e.Ratio, a.Ratio) })
                Assert.Equal(x, y, Math.Max(1e-9, Math.Abs(x) * 1e-9));
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(3, 1e9)]
    public void ProvisionalAggregatesEqualTheAggregatesOfTheUnits(int seed, double offset)
    {
        var totals = new MetricDayTotals();
        foreach (var (unit, measurement) in Rows(seed, 20_000, offset))
            totals.Add(unit, measurement);

        AssertClose(totals.Aggregate(), totals.Provisional());
    }

    [Fact]
    public void AUnitWhoseEveryRowCancelsKeepsAVarianceOfZero()
    {
        var totals = new MetricDayTotals();
        for (var i = 0; i < 1_000; i++)
        {
            totals.Add(new UnitKey("user_id", "a"), new Measurement(i % 2 == 0 ? 1e15 : -1e15, null, null));
            totals.Add(new UnitKey("user_id", "b"), new Measurement(i % 2 == 0 ? 1e15 : -1e15, null, null));
        }

        var overall = totals.Provisional().Overall;

        Assert.Equal((2L, 2_000L, 0.0), (overall.UnitCount, overall.RowCount, overall.Sum));
        Assert.Equal(0, overall.Variance);
    }

    [Fact]
    public void TheViewWithTestRecordsAddsThemUpPerUnit()
    {
        var units = new MetricDayUnits();
        var both = new MetricDayTotals();
        var rows = Rows(4, 10_000);
        for (var i = 0; i < rows.Length; i++)
        {
            // Test rows come only after the first half: the view with them starts from the production units then.
            var isTest = i > rows.Length / 2 && i % 3 == 0;
            units.Add(rows[i].Unit, rows[i].Measurement, isTest);
            both.Add(rows[i].Unit, rows[i].Measurement);
        }

        var production = units.View(includeTest: false)!.Value;
        var withTest = units.View(includeTest: true)!.Value;

        AssertClose(units.Production.Aggregate(), production.Aggregates);
        AssertClose(both.Aggregate(), withTest.Aggregates);
        Assert.True(withTest.IsRatio);
    }

    [Fact]
    public void ADayOfOnlyTestRecordsHasNoProductionView()
    {
        var units = new MetricDayUnits();
        units.Add(new UnitKey("user_id", "t1"), new Measurement(3, null, null), isTest: true);

        Assert.Null(units.View(includeTest: false));
        Assert.Equal(3, units.View(includeTest: true)!.Value.Aggregates.Overall.Sum);
    }

    [Fact]
    public void RestoredUnitsGiveTheSameViews()
    {
        var units = new MetricDayUnits();
        foreach (var (i, (unit, measurement)) in Rows(5, 2_000).Index())
            units.Add(unit, measurement, isTest: i % 4 == 0);

        var restored = new MetricDayUnits(Restore(units.Production), Restore(units.Test));

        AssertClose(units.View(false)!.Value.Aggregates, restored.View(false)!.Value.Aggregates);
        AssertClose(units.View(true)!.Value.Aggregates, restored.View(true)!.Value.Aggregates);
    }

    private static MetricDayTotals Restore(MetricDayTotals totals)
    {
        var restored = new MetricDayTotals();
        foreach (var (unit, unitTotals) in totals.Units)
            restored.Add(unit, unitTotals, totals.IsRatio);
        return restored;
    }
}
