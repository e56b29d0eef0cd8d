namespace Metrics.Domain;

/// <summary>
/// The aggregate of a set of units. <see cref="Mean"/> and <see cref="Variance"/> are over per-unit values (the sum
/// of a unit's metric_value rows); the variance is the sample variance (n - 1), 0 for fewer than two units.
/// <see cref="Ratio"/> is numerator sum over denominator sum, 0 while the denominator sum is 0.
/// <see cref="LargestUnitShare"/> is the part of the units' absolute values (numerators, when every value is 0: a
/// ratio metric) that the largest unit holds, for the data health check of one unit dominating a day.
/// </summary>
public sealed record Aggregate(
    string IdType,
    long UnitCount,
    long RowCount,
    double Sum,
    double Mean,
    double Variance,
    double NumeratorSum,
    double DenominatorSum,
    double Ratio,
    double LargestUnitShare = 0)
{
    public static Aggregate Of(string idType, IEnumerable<UnitTotals> units)
    {
        var fold = new AggregateFold();
        foreach (var unit in units)
            fold.Add(unit);
        return fold.ToAggregate(idType);
    }
}
