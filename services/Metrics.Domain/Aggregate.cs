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
        long count = 0, rows = 0;
        double sum = 0, mean = 0, squares = 0, numerator = 0, denominator = 0;
        var largest = new LargestUnit();
        foreach (var unit in units)
        {
            largest.Change(default, unit);
            count++;
            rows += unit.Rows;
            sum += unit.Value;
            numerator += unit.Numerator;
            denominator += unit.Denominator;
            // Welford: numerically stable one-pass variance.
            var delta = unit.Value - mean;
            mean += delta / count;
            squares += delta * (unit.Value - mean);
        }
        return new Aggregate(
            idType,
            count,
            rows,
            sum,
            count == 0 ? 0 : sum / count,
            count < 2 ? 0 : squares / (count - 1),
            numerator,
            denominator,
            denominator == 0 ? 0 : numerator / denominator,
            largest.Share);
    }
}
