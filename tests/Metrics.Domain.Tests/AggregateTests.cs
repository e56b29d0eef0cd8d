using Metrics.Domain;

namespace Metrics.Domain.Tests;

public class AggregateTests
{
    private static UnitTotals Unit(double value, long rows = 1, double numerator = 0, double denominator = 0) =>
        new(value, numerator, denominator, rows);

    [Fact]
    public void Empty_IsAllZero()
    {
        var aggregate = Aggregate.Of("user_id", []);
        Assert.Equal(new Aggregate("user_id", 0, 0, 0, 0, 0, 0, 0, 0), aggregate);
    }

    [Fact]
    public void SingleUnit_HasZeroVariance()
    {
        var aggregate = Aggregate.Of("user_id", [Unit(7, rows: 3)]);
        Assert.Equal(1, aggregate.UnitCount);
        Assert.Equal(3, aggregate.RowCount);
        Assert.Equal(7, aggregate.Sum);
        Assert.Equal(7, aggregate.Mean);
        Assert.Equal(0, aggregate.Variance);
    }

    [Fact]
    public void MeanAndSampleVariance_AreOverUnits()
    {
        // Values 2, 4, 9: mean 5, squared deviations 9 + 1 + 16 = 26, sample variance 26 / 2 = 13.
        var aggregate = Aggregate.Of("user_id", [Unit(2, rows: 2), Unit(4), Unit(9, rows: 4)]);
        Assert.Equal("user_id", aggregate.IdType);
        Assert.Equal(3, aggregate.UnitCount);
        Assert.Equal(7, aggregate.RowCount);
        Assert.Equal(15, aggregate.Sum);
        Assert.Equal(5, aggregate.Mean, 12);
        Assert.Equal(13, aggregate.Variance, 12);
    }

    [Fact]
    public void SampleVariance_UsesNMinusOne()
    {
        // Values 1, 3: mean 2, squared deviations 1 + 1 = 2, sample variance 2 / 1 = 2 (population would be 1).
        var two = Aggregate.Of("", [Unit(1), Unit(3)]);
        Assert.Equal(2, two.Mean, 12);
        Assert.Equal(2, two.Variance, 12);

        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, sample variance 32 / 7.
        var eight = Aggregate.Of("", new double[] { 2, 4, 4, 4, 5, 5, 7, 9 }.Select(v => Unit(v)));
        Assert.Equal(5, eight.Mean, 12);
        Assert.Equal(32.0 / 7, eight.Variance, 12);
    }

    [Fact]
    public void Variance_IsStableForLargeOffsets()
    {
        // 1e9 + {1, 2, 3}: sample variance 1.
        var aggregate = Aggregate.Of("", [Unit(1e9 + 1), Unit(1e9 + 2), Unit(1e9 + 3)]);
        Assert.Equal(1e9 + 2, aggregate.Mean, 6);
        Assert.Equal(1, aggregate.Variance, 6);
    }

    [Fact]
    public void Ratio_IsNumeratorSumOverDenominatorSum()
    {
        // (1 + 3) / (2 + 8) = 0.4, whereas the mean of per-unit ratios would be (0.5 + 0.375) / 2 = 0.4375.
        var aggregate = Aggregate.Of("", [Unit(0, numerator: 1, denominator: 2), Unit(0, numerator: 3, denominator: 8)]);
        Assert.Equal(4, aggregate.NumeratorSum);
        Assert.Equal(10, aggregate.DenominatorSum);
        Assert.Equal(0.4, aggregate.Ratio, 12);
    }

    [Fact]
    public void Ratio_IsZeroWhenDenominatorSumIsZero()
    {
        var aggregate = Aggregate.Of("", [Unit(0, numerator: 5, denominator: 0), Unit(0, numerator: 2, denominator: 0)]);
        Assert.Equal(7, aggregate.NumeratorSum);
        Assert.Equal(0, aggregate.DenominatorSum);
        Assert.Equal(0, aggregate.Ratio);
        Assert.False(double.IsNaN(aggregate.Ratio));
    }

    [Fact]
    public void UnitTotals_AddMeasurement_SumsSeparately()
    {
        var totals = default(UnitTotals)
            .Add(UnitTotals.Of(new Measurement(2, null, null)))
            .Add(UnitTotals.Of(new Measurement(null, 1, 4)))
            .Add(UnitTotals.Of(new Measurement(3, null, null)));
        Assert.Equal(new UnitTotals(5, 1, 4, 3), totals);
    }

    [Fact]
    public void UnitTotals_AddTotals_SumsEveryField()
    {
        Assert.Equal(new UnitTotals(3, 5, 7, 9), new UnitTotals(1, 2, 3, 4).Add(new UnitTotals(2, 3, 4, 5)));
    }

    [Fact]
    public void Measurement_IsRatioOnlyWithBothParts()
    {
        Assert.True(new Measurement(null, 1, 2).IsRatio);
        Assert.False(new Measurement(1, null, null).IsRatio);
        Assert.False(new Measurement(null, 1, null).IsRatio);
        Assert.False(new Measurement(null, null, 2).IsRatio);
    }

    /// <summary>
    /// The day's one pass gives exactly what aggregating each ID type's units apart gives: same sums in the same
    /// order, bit for bit, with ID types interleaved and held in distinct string instances.
    /// </summary>
    [Fact]
    public void DayAggregatesEqualEachIdTypeAggregatedApart()
    {
        var random = new Random(7);
        string[] idTypes = ["user_id", "stable_id", "company_id"];
        var units = Enumerable.Range(0, 5_000)
            .Select(i => KeyValuePair.Create(
                new UnitKey(new string(idTypes[random.Next(idTypes.Length)].AsSpan()), $"u{i}"),
                new UnitTotals(random.NextDouble() * 1e6 - 5e5, random.Next(10), 1 + random.Next(10), 1 + random.Next(3))))
            .ToList();

        var day = DayAggregates.Of(units);

        Assert.Equal(Aggregate.Of("", units.Select(u => u.Value)), day.Overall);
        var apart = units
            .GroupBy(u => u.Key.IdType)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Aggregate.Of(g.Key, g.Select(u => u.Value)));
        Assert.Equal(apart, day.ByIdType);
        Assert.Equal(["company_id", "stable_id", "user_id"], day.ByIdType.Select(a => a.IdType));
    }
}
