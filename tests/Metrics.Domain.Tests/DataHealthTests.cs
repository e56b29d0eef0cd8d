using Metrics.Domain;
using Metrics.Domain.Health;

namespace Metrics.Domain.Tests;

public sealed class DataHealthTests
{
    private static readonly HealthThresholds Thresholds = HealthThresholds.Default;

    private static DayHealthFacts Day(long units, double sum, double largestShare = 0.01, long rows = -1, long rejected = 0, string[]? newIdTypes = null, bool ratio = false) =>
        new(new Aggregate("", units, rows < 0 ? units : rows, ratio ? 0 : sum, 0, 0, ratio ? sum : 0, ratio ? units : 0, 0, largestShare), ratio, newIdTypes ?? [], rejected);

    [Fact]
    public void AHealthyDayHasNoWarning() =>
        Assert.Empty(DataHealth.Check(Day(1000, 5000), Day(900, 4600), Thresholds));

    [Theory]
    [InlineData(1000, 400, -0.6)]
    [InlineData(1000, 1600, 0.6)]
    public void UnitsSwingingBeyondTheThresholdWarnWithTheChange(long before, long now, double change)
    {
        var warning = Assert.Single(DataHealth.Check(Day(now, 100), Day(before, 100), Thresholds));
        Assert.Equal(HealthCheckKind.UnitsSwing, warning.Kind);
        Assert.Equal(change, warning.Value, 9);
        Assert.Contains("units 1000 → " + now, warning.Message);
    }

    [Fact]
    public void ASumSwingOfARatioMetricIsOfItsNumerators()
    {
        var warning = Assert.Single(DataHealth.Check(Day(100, 300, ratio: true), Day(100, 100, ratio: true), Thresholds));
        Assert.Equal(HealthCheckKind.SumSwing, warning.Kind);
        Assert.Equal(2.0, warning.Value);
        Assert.Contains("sum of numerators", warning.Message);
    }

    [Fact]
    public void WithoutADayBeforeNothingSwings() =>
        Assert.Empty(DataHealth.Check(Day(10, 10), null, Thresholds));

    [Fact]
    public void OneUnitHoldingMostOfTheDayWarnsFromTheMinimumUnitsOn()
    {
        Assert.Equal(HealthCheckKind.UnitConcentration, Assert.Single(DataHealth.Check(Day(10, 100, largestShare: 0.9), null, Thresholds)).Kind);
        Assert.Empty(DataHealth.Check(Day(9, 100, largestShare: 0.9), null, Thresholds));
        Assert.Empty(DataHealth.Check(Day(10, 100, largestShare: 0.5), null, Thresholds));
    }

    [Fact]
    public void EachNewIdTypeWarns()
    {
        var warnings = DataHealth.Check(Day(10, 10, newIdTypes: ["company_id", "stable_id"]), null, Thresholds);
        Assert.Equal(["company_id", "stable_id"], warnings.Select(w => w.Message.Split(' ')[2]));
        Assert.All(warnings, w => Assert.Equal(HealthCheckKind.NewIdType, w.Kind));
    }

    [Fact]
    public void ARejectedShareAboveTheThresholdWarnsWithTheCounts()
    {
        var warning = Assert.Single(DataHealth.Check(Day(90, 90, rejected: 10), null, Thresholds));
        Assert.Equal(HealthCheckKind.RejectedShare, warning.Kind);
        Assert.Equal(0.1, warning.Value, 9);
        Assert.Contains("10 of 100", warning.Message);
        Assert.Empty(DataHealth.Check(Day(96, 96, rejected: 4), null, Thresholds));
    }

    [Theory]
    [InlineData(0, 0.5, 10, 0.05)]
    [InlineData(double.NaN, 0.5, 10, 0.05)]
    [InlineData(0.5, 1.5, 10, 0.05)]
    [InlineData(0.5, 0.5, 1, 0.05)]
    [InlineData(0.5, 0.5, 10, 0)]
    public void ThresholdsOutOfRangeAreNamed(double swing, double unitShare, int minUnits, double rejected) =>
        Assert.NotNull(new HealthThresholds(swing, unitShare, minUnits, rejected).Problem());

    [Fact]
    public void TheLargestUnitShareIsOfAbsoluteValuesAndFallsBackToNumerators()
    {
        Assert.Equal(0.5, Aggregate.Of("", [new UnitTotals(-6, 0, 0, 1), new UnitTotals(3, 0, 0, 1), new UnitTotals(3, 0, 0, 1)]).LargestUnitShare);
        Assert.Equal(0.75, Aggregate.Of("", [new UnitTotals(0, 3, 4, 1), new UnitTotals(0, 1, 4, 1)]).LargestUnitShare);
        Assert.Equal(0, Aggregate.Of("", []).LargestUnitShare);
    }

    [Fact]
    public void TheRunningShareFollowsUnitsAsTheyGrow()
    {
        var running = new RunningAggregate();
        var a = new UnitTotals(2, 0, 0, 1);
        var b = new UnitTotals(2, 0, 0, 1);
        running.Change(default, a, a);
        running.Change(default, b, b);
        Assert.Equal(0.5, running.ToAggregate("").LargestUnitShare);
        var grown = a.Add(new UnitTotals(6, 0, 0, 1));
        running.Change(a, grown, new UnitTotals(6, 0, 0, 1));
        Assert.Equal(0.8, running.ToAggregate("").LargestUnitShare, 12);
    }
}
