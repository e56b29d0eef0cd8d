namespace Metrics.Grains.MetricDays;

/// <summary>
/// What a store holds for one metric-day: the slices appended since activation began (replayed in order), or
/// the sealed snapshot. <see cref="Version"/> counts writes and guards against two activations writing at once.
/// </summary>
public sealed record MetricDayLog(long Version, SealedMetricDay? Sealed, IReadOnlyList<MetricSlice> Slices)
{
    public static readonly MetricDayLog Empty = new(0, null, []);
}
