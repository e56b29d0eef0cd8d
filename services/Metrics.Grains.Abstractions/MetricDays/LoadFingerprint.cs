namespace Metrics.Grains.MetricDays;

/// <summary>
/// What a (metric, day) of an import's source looked like: its row count and the sums of its values. Compared with
/// the one a day was loaded from, it tells whether the source changed, and by how much.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LoadFingerprint(
    long Rows,
    double ValueSum,
    double NumeratorSum,
    double DenominatorSum)
{
    /// <summary>
    /// The largest relative change of the four figures from <paramref name="before"/> to this one: |new − old| over
    /// |old|, and 1 (a whole change) for a figure that was 0 and is not any more. 0 means equal. Never NaN: a figure
    /// that is not finite (NaN or ±Infinity: a fingerprint stored by a source that summed such values) compared with a
    /// different one is an unbounded change (+Infinity), above any threshold, since no ratio measures it; NaN with NaN
    /// counts as equal.
    /// </summary>
    public double ChangeFrom(LoadFingerprint before) => new[]
    {
        Relative(before.Rows, Rows),
        Relative(before.ValueSum, ValueSum),
        Relative(before.NumeratorSum, NumeratorSum),
        Relative(before.DenominatorSum, DenominatorSum),
    }.Max();

    private static double Relative(double before, double after)
    {
        if (before.Equals(after))
            return 0;
        if (!double.IsFinite(before) || !double.IsFinite(after))
            return double.PositiveInfinity;
        return before == 0 ? 1 : Math.Abs(after - before) / Math.Abs(before);
    }
}
