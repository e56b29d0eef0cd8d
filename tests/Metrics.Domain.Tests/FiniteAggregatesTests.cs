using Metrics.Domain;

namespace Metrics.Domain.Tests;

/// <summary>
/// The rule that keeps aggregates finite: |metric_value|, |numerator|, |denominator| at most 1e15, and a
/// denominator that is not 0 at least 1e-15 in magnitude. Aggregates at the bounds are finite.
/// </summary>
public class FiniteAggregatesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly RecordValidator Validator = new(new ProjectIdTypes(ProjectIdTypes.Defaults));
    private const double Max = RecordValidator.MaxMagnitude;

    private static BatchValidation Validate(double? value, double? numerator = null, double? denominator = null) =>
        Validator.Validate([new IncomingRecord("u1", "user_id", "m", value, numerator, denominator, "2026-01-14")], Now);

    [Theory]
    [InlineData(1e308)]
    [InlineData(-1.7e308)]
    [InlineData(1e16)]
    [InlineData(-1.0000000000000002e15)]
    public void ValuesBeyondTheBoundAreRefusedNamingIt(double value)
    {
        var violation = Assert.Single(Validate(value).Violations);
        Assert.Equal("metrics[0].metric_value", violation.Path);
        Assert.Contains("between -1e15 and 1e15", violation.Description);

        Assert.Equal("metrics[0].numerator", Assert.Single(Validate(null, value, 1).Violations).Path);
        Assert.Equal("metrics[0].denominator", Assert.Single(Validate(null, 1, value).Violations).Path);
    }

    [Theory]
    [InlineData(1e-16)]
    [InlineData(-5e-324)]
    public void ADenominatorTooCloseToZeroIsRefused(double denominator)
    {
        var violation = Assert.Single(Validate(null, 1, denominator).Violations);
        Assert.Equal("metrics[0].denominator", violation.Path);
        Assert.Contains("0 or at least 1e-15", violation.Description);
    }

    [Fact]
    public void TheBoundsThemselvesAreAccepted()
    {
        Assert.True(Validate(Max).IsValid);
        Assert.True(Validate(-Max).IsValid);
        Assert.True(Validate(5e-324).IsValid);
        Assert.True(Validate(null, Max, RecordValidator.MinDenominatorMagnitude).IsValid);
        Assert.True(Validate(null, -Max, 0).IsValid);
    }

    [Fact]
    public void ManyRowsAtTheBoundWithAlternatingSignsKeepEveryAggregateFinite()
    {
        var totals = new MetricDayTotals();
        for (var unit = 0; unit < 1_000; unit++)
            for (var row = 0; row < 1_000; row++)
                totals.Add(new UnitKey("user_id", $"u{unit}"), new Measurement(unit % 2 == 0 ? Max : -Max, null, null));

        var overall = totals.Aggregate().Overall;

        Assert.Equal(1_000_000, overall.RowCount);
        Assert.Equal(0, overall.Sum);
        Assert.True(double.IsFinite(overall.Variance) && overall.Variance > 0, $"variance {overall.Variance}");
        // Unit values ±1e18 around a mean of 0: 1,000 squared deviations of 1e36 over n - 1 = 999.
        Assert.Equal(1e36 * 1000 / 999, overall.Variance, 1e36 * 1e-9);
    }

    /// <summary>Unit totals as large as the rule allows at all: <see cref="long.MaxValue"/> rows at the bound, alternating signs.</summary>
    [Fact]
    public void UnitTotalsAtTheirLargestKeepTheVarianceFinite()
    {
        var largest = long.MaxValue * Max;
        var units = Enumerable.Range(0, 100_000).Select(i => new UnitTotals(i % 2 == 0 ? largest : -largest, largest, largest, long.MaxValue));

        var aggregate = Aggregate.Of("", units);

        Assert.All(new[] { aggregate.Sum, aggregate.Mean, aggregate.Variance, aggregate.NumeratorSum, aggregate.DenominatorSum, aggregate.Ratio },
            v => Assert.True(double.IsFinite(v), $"{v}"));
    }

    [Fact]
    public void TheSmallestDenominatorSumKeepsTheRatioFinite()
    {
        var min = RecordValidator.MinDenominatorMagnitude;
        // Denominators that nearly cancel: their sum is the smallest a sum of accepted denominators can be but 0.
        var units = new[]
        {
            new UnitTotals(0, long.MaxValue * Max, min, 1),
            new UnitTotals(0, 0, -Math.BitDecrement(min), 1),
        };

        var aggregate = Aggregate.Of("", units);

        Assert.True(aggregate.DenominatorSum > 0);
        Assert.True(double.IsFinite(aggregate.Ratio), $"{aggregate.Ratio}");
    }

    [Fact]
    public void ADenominatorSumOfZeroGivesARatioOfZero()
    {
        var aggregate = Aggregate.Of("", [new UnitTotals(0, Max, 1, 1), new UnitTotals(0, Max, -1, 1)]);

        Assert.Equal(0, aggregate.DenominatorSum);
        Assert.Equal(0, aggregate.Ratio);
    }
}
