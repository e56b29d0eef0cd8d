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
    /// |old|, and 1 (a whole change) for a figure that was 0 and is not any more. 0 means equal.
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
        if (before == after)
            return 0;
        return before == 0 ? 1 : Math.Abs(after - before) / Math.Abs(before);
    }
}
