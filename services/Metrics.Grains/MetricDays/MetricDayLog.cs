namespace Metrics.Grains.MetricDays;

/// <summary>
/// What a store holds for one metric-day: its snapshot (sealed, or an import's load of an open day), then the
/// slices appended since (replayed in order). <see cref="Version"/> counts writes and guards against two activations writing at once.
/// </summary>
public sealed record MetricDayLog(long Version, MetricDaySnapshot? Snapshot, IReadOnlyList<MetricSlice> Slices)
{
    public static readonly MetricDayLog Empty = new(0, null, []);
}
