namespace Metrics.Domain;

/// <summary>
/// Folds units into an <see cref="Aggregate"/> one at a time: sums in the order the units come, the variance by
/// Welford's numerically stable one-pass update.
/// </summary>
internal struct AggregateFold
{
    private long _count;
    private long _rows;
    private double _sum;
    private double _mean;
    private double _squares;
    private double _numerator;
    private double _denominator;
    private LargestUnit _largest;

    public void Add(UnitTotals unit)
    {
        _largest.Change(default, unit);
        _count++;
        _rows += unit.Rows;
        _sum += unit.Value;
        _numerator += unit.Numerator;
        _denominator += unit.Denominator;
        var delta = unit.Value - _mean;
        _mean += delta / _count;
        _squares += delta * (unit.Value - _mean);
    }

    public readonly Aggregate ToAggregate(string idType) => new(
        idType,
        _count,
        _rows,
        _sum,
        _count == 0 ? 0 : _sum / _count,
        _count < 2 ? 0 : _squares / (_count - 1),
        _numerator,
        _denominator,
        _denominator == 0 ? 0 : _numerator / _denominator,
        _largest.Share);
}
