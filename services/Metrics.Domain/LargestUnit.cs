namespace Metrics.Domain;

/// <summary>
/// The largest unit's share of a set of units' absolute values, kept as units change: the sum of absolute values
/// exactly, the largest absolute value as the largest any unit reached (a unit whose total later shrinks leaves it
/// high until the day is read again from its units, at the seal). Values count; numerators only while every value
/// is 0, as in a ratio metric.
/// </summary>
public struct LargestUnit
{
    private double _values;
    private double _numerators;
    private double _largestValue;
    private double _largestNumerator;

    public void Change(UnitTotals before, UnitTotals after)
    {
        _values += Math.Abs(after.Value) - Math.Abs(before.Value);
        _numerators += Math.Abs(after.Numerator) - Math.Abs(before.Numerator);
        _largestValue = Math.Max(_largestValue, Math.Abs(after.Value));
        _largestNumerator = Math.Max(_largestNumerator, Math.Abs(after.Numerator));
    }

    public readonly double Share =>
        _values > 0 ? Math.Min(1, _largestValue / _values)
        : _numerators > 0 ? Math.Min(1, _largestNumerator / _numerators)
        : 0;
}
