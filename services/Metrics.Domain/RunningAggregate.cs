namespace Metrics.Domain;

/// <summary>
/// The <see cref="Aggregate"/> of a set of units, kept up to date as their totals change, so that reading it costs
/// the same for ten units as for millions. The variance follows Welford's update, extended to a unit whose value
/// changes (a later row for it); sums add the rows as they come. <see cref="Aggregate.Of"/> over the units gives the
/// same figures up to rounding: the seal computes the final ones that way.
/// </summary>
public sealed class RunningAggregate
{
    private long _units;
    private long _rows;
    private double _sum;
    private double _numerator;
    private double _denominator;
    private double _mean;
    private double _squares;
    private LargestUnit _largest;

    /// <summary>A unit's totals went from <paramref name="before"/> (no rows: a unit new to the set) to <paramref name="after"/> by <paramref name="added"/>.</summary>
    public void Change(UnitTotals before, UnitTotals after, UnitTotals added)
    {
        _rows += added.Rows;
        _largest.Change(before, after);
        _sum += added.Value;
        _numerator += added.Numerator;
        _denominator += added.Denominator;
        if (before.Rows == 0)
        {
            _units++;
            var delta = after.Value - _mean;
            _mean += delta / _units;
            _squares += delta * (after.Value - _mean);
        }
        else
        {
            var change = after.Value - before.Value;
            var previousMean = _mean;
            _mean += change / _units;
            _squares += change * (after.Value - _mean + before.Value - previousMean);
        }
    }

    public Aggregate ToAggregate(string idType) => new(
        idType,
        _units,
        _rows,
        _sum,
        _units == 0 ? 0 : _sum / _units,
        // Rounding may take the squares a hair below 0 when every value is the same.
        _units < 2 ? 0 : Math.Max(0, _squares) / (_units - 1),
        _numerator,
        _denominator,
        _denominator == 0 ? 0 : _numerator / _denominator,
        _largest.Share);
}
