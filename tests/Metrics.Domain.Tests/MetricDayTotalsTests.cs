using Metrics.Domain;

namespace Metrics.Domain.Tests;

public class MetricDayTotalsTests
{
    private static readonly UnitKey Alice = new("user_id", "alice");
    private static readonly UnitKey Bob = new("user_id", "bob");
    private static readonly UnitKey AliceStable = new("stable_id", "alice");

    private static Measurement Value(double v) => new(v, null, null);
    private static Measurement Ratio(double n, double d) => new(null, n, d);

    [Fact]
    public void New_IsEmpty()
    {
        var totals = new MetricDayTotals();
        Assert.Equal(0, totals.UnitCount);
        Assert.Equal(0, totals.Rows);
        Assert.False(totals.IsRatio);
        Assert.Empty(totals.Units);
        var aggregates = totals.Aggregate();
        Assert.Equal(0, aggregates.Overall.UnitCount);
        Assert.Empty(aggregates.ByIdType);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void SizedForSomeUnits_HoldsFewerOrMoreThanThat(int expectedUnits)
    {
        var totals = new MetricDayTotals(expectedUnits);
        Assert.Equal(0, totals.UnitCount);
        Assert.Equal(default, totals.TotalsOf(Alice));

        for (var i = 0; i < 5000; i++)
            totals.Add(new UnitKey(i % 2 == 0 ? "user_id" : "stable_id", $"u{i}"), Value(i));
        totals.Add(new UnitKey("user_id", "u0"), Value(7));

        Assert.Equal(5000, totals.UnitCount);
        Assert.Equal(5001, totals.Rows);
        Assert.Equal(new UnitTotals(7, 0, 0, 2), totals.TotalsOf(new UnitKey("user_id", "u0")));
        Assert.Equal(new UnitTotals(4999, 0, 0, 1), totals.TotalsOf(new UnitKey("stable_id", "u4999")));
        Assert.Equal(default, totals.TotalsOf(new UnitKey("stable_id", "u0")));
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"u{i}"), totals.Units.Select(u => u.Key.UserId));
    }

    [Fact]
    public void SizedForMoreUnitsThanADayMayHold_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricDayTotals(int.MaxValue));

    [Fact]
    public void RowsForTheSameUnit_AddUp()
    {
        var totals = new MetricDayTotals();
        totals.Add(Alice, Value(2));
        totals.Add(Alice, Value(3));
        totals.Add(Alice, Value(-1));

        Assert.Equal(1, totals.UnitCount);
        Assert.Equal(3, totals.Rows);
        Assert.Equal(new UnitTotals(4, 0, 0, 3), totals.TotalsOf(Alice));
    }

    [Fact]
    public void SameUserIdUnderTwoIdTypes_IsTwoUnits()
    {
        var totals = new MetricDayTotals();
        totals.Add(Alice, Value(1));
        totals.Add(AliceStable, Value(10));

        Assert.Equal(2, totals.UnitCount);
        Assert.Equal(1, totals.TotalsOf(Alice).Value);
        Assert.Equal(10, totals.TotalsOf(AliceStable).Value);
    }

    [Fact]
    public void IsRatio_BecomesTrueOnceAnyRatioRowIsAdded()
    {
        var totals = new MetricDayTotals();
        totals.Add(Alice, Value(1));
        Assert.False(totals.IsRatio);

        totals.Add(Bob, Ratio(1, 2));
        Assert.True(totals.IsRatio);

        totals.Add(Alice, Value(5));
        Assert.True(totals.IsRatio); // never goes back
    }

    [Fact]
    public void NumeratorsAndDenominators_AddUpPerUnit()
    {
        var totals = new MetricDayTotals();
        totals.Add(Alice, Ratio(1, 2));
        totals.Add(Alice, Ratio(3, 4));
        Assert.Equal(new UnitTotals(0, 4, 6, 2), totals.TotalsOf(Alice));
    }

    [Fact]
    public void Aggregate_OverallAndByIdType()
    {
        var totals = new MetricDayTotals();
        // user_id units: alice 1 + 3 = 4 (2 rows), bob 8 (1 row), carol 6 (3 rows).
        totals.Add(Alice, Value(1));
        totals.Add(Alice, Value(3));
        totals.Add(Bob, Value(8));
        var carol = new UnitKey("user_id", "carol");
        totals.Add(carol, Value(2));
        totals.Add(carol, Value(2));
        totals.Add(carol, Value(2));
        // stable_id unit: alice 2 (1 row).
        totals.Add(AliceStable, Value(2));

        var aggregates = totals.Aggregate();

        // Overall: units 4, 8, 6, 2 -> sum 20, mean 5, squared deviations 1 + 9 + 1 + 9 = 20, variance 20 / 3.
        var overall = aggregates.Overall;
        Assert.Equal("", overall.IdType);
        Assert.Equal(4, overall.UnitCount);
        Assert.Equal(7, overall.RowCount);
        Assert.Equal(20, overall.Sum);
        Assert.Equal(5, overall.Mean, 12);
        Assert.Equal(20.0 / 3, overall.Variance, 12);

        // By id type, ordered: stable_id before user_id.
        Assert.Equal(new[] { "stable_id", "user_id" }, aggregates.ByIdType.Select(a => a.IdType).ToArray());

        var stable = aggregates.ByIdType[0];
        Assert.Equal(1, stable.UnitCount);
        Assert.Equal(1, stable.RowCount);
        Assert.Equal(2, stable.Sum);
        Assert.Equal(2, stable.Mean);
        Assert.Equal(0, stable.Variance);

        // user_id: 4, 8, 6 -> sum 18, mean 6, squared deviations 4 + 4 + 0 = 8, variance 4.
        var user = aggregates.ByIdType[1];
        Assert.Equal(3, user.UnitCount);
        Assert.Equal(6, user.RowCount);
        Assert.Equal(18, user.Sum);
        Assert.Equal(6, user.Mean, 12);
        Assert.Equal(4, user.Variance, 12);
    }

    [Fact]
    public void Aggregate_ByIdTypeIsOrderedOrdinally()
    {
        var totals = new MetricDayTotals();
        totals.Add(new UnitKey("zeta", "1"), Value(1));
        totals.Add(new UnitKey("Alpha", "1"), Value(1));
        totals.Add(new UnitKey("alpha", "1"), Value(1));
        totals.Add(new UnitKey("beta", "1"), Value(1));

        var ids = totals.Aggregate().ByIdType.Select(a => a.IdType).ToArray();
        Assert.Equal(new[] { "Alpha", "alpha", "beta", "zeta" }, ids);
    }

    [Fact]
    public void Aggregate_RatioMetric()
    {
        var totals = new MetricDayTotals();
        totals.Add(Alice, Ratio(1, 2));
        totals.Add(Alice, Ratio(1, 2));
        totals.Add(Bob, Ratio(3, 6));
        totals.Add(AliceStable, Ratio(0, 0));

        var aggregates = totals.Aggregate();
        Assert.True(totals.IsRatio);
        Assert.Equal(5, aggregates.Overall.NumeratorSum);
        Assert.Equal(10, aggregates.Overall.DenominatorSum);
        Assert.Equal(0.5, aggregates.Overall.Ratio, 12);
        Assert.Equal(4, aggregates.Overall.RowCount);

        var stable = aggregates.ByIdType.Single(a => a.IdType == "stable_id");
        Assert.Equal(0, stable.DenominatorSum);
        Assert.Equal(0, stable.Ratio);

        var user = aggregates.ByIdType.Single(a => a.IdType == "user_id");
        Assert.Equal(5, user.NumeratorSum);
        Assert.Equal(10, user.DenominatorSum);
        Assert.Equal(0.5, user.Ratio, 12);
    }

    [Fact]
    public void AddUnitTotals_AddsRowsAndRatioFlag()
    {
        var totals = new MetricDayTotals();
        totals.Add(Alice, new UnitTotals(5, 0, 0, 3), isRatio: false);
        totals.Add(Alice, new UnitTotals(1, 0, 0, 2), isRatio: false);
        Assert.False(totals.IsRatio);
        Assert.Equal(5, totals.Rows);
        Assert.Equal(new UnitTotals(6, 0, 0, 5), totals.TotalsOf(Alice));

        totals.Add(Bob, new UnitTotals(0, 1, 2, 1), isRatio: true);
        Assert.True(totals.IsRatio);
        Assert.Equal(6, totals.Rows);
    }

    [Fact]
    public void UnitsOfOneIdType_ShareOneIdTypeString()
    {
        var totals = new MetricDayTotals();
        totals.Add(new UnitKey(new string("user_id".AsSpan()), "alice"), Value(1));
        totals.Add(new UnitKey(new string("user_id".AsSpan()), "bob"), Value(2));
        totals.Add(new UnitKey(new string("stable_id".AsSpan()), "alice"), Value(3));

        var idTypes = totals.Units.Select(u => u.Key.IdType).ToArray();
        Assert.Equal(["user_id", "user_id", "stable_id"], idTypes);
        Assert.Same(idTypes[0], idTypes[1]);
        Assert.Equal(3, totals.UnitCount);
    }
    /// <summary>
    /// Units are kept without an object each (their IDs in shared blocks of characters, their entries re-chained as the
    /// table grows): every unit of a large day keeps its own totals, IDs of any length included, and an ID under two
    /// ID types is two units.
    /// </summary>
    [Fact]
    public void ManyUnits_EachKeepTheirOwnTotals()
    {
        string[] idTypes = ["user_id", "stable_id", "company_id"];
        var random = new Random(11);
        var units = Enumerable.Range(0, 60_000)
            .Select(i => new UnitKey(idTypes[i % 3], i % 7 == 0 ? new string('x', 1 + random.Next(300)) + i : $"u{i / 3}"))
            .Append(new UnitKey("user_id", new string('y', 100_000)))
            .ToArray();
        var totals = new MetricDayTotals();
        for (var round = 1; round <= 2; round++)
            for (var i = 0; i < units.Length; i++)
                totals.Add(new UnitKey(new string(units[i].IdType.AsSpan()), new string(units[i].UserId.AsSpan())), Value(i * round));

        Assert.Equal(units.Length, totals.UnitCount);
        Assert.Equal(2 * units.Length, totals.Rows);
        for (var i = 0; i < units.Length; i++)
            Assert.Equal(new UnitTotals(3 * i, 0, 0, 2), totals.TotalsOf(units[i]));
        Assert.Equal(units, totals.Units.Select(u => u.Key));
        Assert.Equal(default, totals.TotalsOf(new UnitKey("user_id", "nobody")));
        Assert.Equal(default, totals.TotalsOf(new UnitKey("device_id", "u1")));
    }

    /// <summary>The table's spare capacity holds no units: a position past them is refused, not read as an empty unit.</summary>
    [Fact]
    public void UnitAt_RefusesAPositionPastTheUnits()
    {
        var totals = new MetricDayTotals();
        totals.Add(Alice, Value(5));

        Assert.Equal(Alice, totals.UnitAt(0).Key);
        Assert.Throws<ArgumentOutOfRangeException>(() => totals.UnitAt(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => totals.UnitAt(-1));
    }

    [Fact]
    public void OrderedPositions_OrderByIdTypeThenId_Ordinally()
    {
        var totals = new MetricDayTotals();
        string[] ids = ["b", "a", "B", "é", "\uD83D\uDE00", "\uFF5E", "a0", "", "ab", "Z"];
        foreach (var idType in new[] { "user_id", "company_id", "Stable_id" })
            foreach (var id in ids)
                totals.Add(new UnitKey(idType, id), Value(id.Length));

        var ordered = totals.OrderedPositions().Select(p => totals.UnitAt(p).Key).ToArray();

        var expected = totals.Units.Select(u => u.Key)
            .OrderBy(u => u.IdType, StringComparer.Ordinal)
            .ThenBy(u => u.UserId, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(expected, ordered);
        Assert.Equal(new UnitKey("Stable_id", ""), ordered[0]);
    }
}
