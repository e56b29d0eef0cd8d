using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.Imports;

/// <summary>Holds a metric-day read through the API to the figures PostgreSQL computed.</summary>
public static class Figuring
{
    public static void AssertMatches(Figures expected, Aggregate actual, string what)
    {
        Assert.True(expected.Units == actual.UnitCount, $"{what}: {actual.UnitCount} units, SQL counts {expected.Units}");
        Assert.True(expected.Rows == actual.RowCount, $"{what}: {actual.RowCount} rows, SQL counts {expected.Rows}");
        Close(expected.Sum, actual.Sum, $"{what} sum");
        Close(expected.Mean, actual.Mean, $"{what} mean");
        Close(expected.Variance, actual.Variance, $"{what} variance");
        Close(expected.NumeratorSum, actual.NumeratorSum, $"{what} numerator_sum");
        Close(expected.DenominatorSum, actual.DenominatorSum, $"{what} denominator_sum");
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R}, SQL computes {expected:R}");
}
