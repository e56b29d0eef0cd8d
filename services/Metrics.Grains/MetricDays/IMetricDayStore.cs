namespace Metrics.Grains.MetricDays;

/// <summary>
/// Durable storage of metric-days as appends: a write costs the size of the slice, never of the day. Each write
/// names the version it expects and fails with <see cref="StoreConflictException"/> when another writer moved it.
/// </summary>
public interface IMetricDayStore
{
    Task<MetricDayLog> LoadAsync(MetricDayId id);

    /// <summary>Appends the slice and adds it to the project's Logstream together: both are stored, or neither.</summary>
    Task AppendAsync(MetricDayId id, long expectedVersion, MetricSlice slice);

    /// <summary>
    /// Replaces the journal with the snapshot — the seal, an import's load of an open day, or a restatement, which
    /// keeps the version it <paramref name="supersedes"/> among the day's earlier versions — as one write. An import's
    /// load is written only if its run's lease still holds the import, checked in the same write: if not, nothing is
    /// written and <see cref="RunLeaseLostException"/> is thrown.
    /// </summary>
    Task SaveSnapshotAsync(
        MetricDayId id, long expectedVersion, MetricDaySnapshot snapshot, MetricDayVersionRecord? supersedes = null, ImportRunFence? fence = null);

    /// <summary>The sealed versions restatements superseded, oldest first.</summary>
    Task<IReadOnlyList<MetricDayVersionRecord>> EarlierVersionsAsync(MetricDayId id);

    /// <summary>The stored day's version: a read checks it to find out whether another activation moved the day.</summary>
    Task<long> VersionAsync(MetricDayId id);
}
