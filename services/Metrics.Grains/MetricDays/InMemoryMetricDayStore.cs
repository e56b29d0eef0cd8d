using System.Collections.Concurrent;
using Metrics.Grains.Logstream;

namespace Metrics.Grains.MetricDays;

/// <summary>
/// The embedded mode's metric-day store: process memory, lost when the process ends. An import's load is written
/// under the lock of the run leases (<paramref name="fences"/>, registered with the imports).
/// </summary>
public sealed class InMemoryMetricDayStore(ILogstreamWriter logstream, IImportRunFences? fences = null) : IMetricDayStore
{
    private sealed class Entry
    {
        public long Version;
        public MetricDaySnapshot? Snapshot;
        public List<MetricSlice> Slices = [];
        public List<MetricDayVersionRecord> EarlierVersions = [];
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    public Task<MetricDayLog> LoadAsync(MetricDayId id)
    {
        if (!_entries.TryGetValue(id.Key, out var entry))
            return Task.FromResult(MetricDayLog.Empty);
        lock (entry)
            return Task.FromResult(new MetricDayLog(entry.Version, entry.Snapshot, entry.Slices.ToArray()));
    }

    public async Task AppendAsync(MetricDayId id, long expectedVersion, MetricSlice slice)
    {
        Write(id, expectedVersion, e => e.Slices.Add(slice));
        await logstream.AppendAsync(LogstreamBatch.Accepted(id, slice));
    }

    public Task SaveSnapshotAsync(
        MetricDayId id, long expectedVersion, MetricDaySnapshot snapshot, MetricDayVersionRecord? supersedes = null, ImportRunFence? fence = null)
    {
        void Save() => Write(id, expectedVersion, e =>
        {
            e.Snapshot = snapshot;
            e.Slices = [];
            if (supersedes is not null)
                e.EarlierVersions.Add(supersedes);
        });

        if (fence is null)
            Save();
        else if (!(fences ?? throw new InvalidOperationException("an import's load needs the imports' run leases registered")).WriteIfHeld(id.Project, fence, Save))
            throw new RunLeaseLostException($"{id}: run {fence.RunId} of import {fence.ImportId} no longer holds its lease");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<MetricDayVersionRecord>> EarlierVersionsAsync(MetricDayId id)
    {
        if (!_entries.TryGetValue(id.Key, out var entry))
            return Task.FromResult<IReadOnlyList<MetricDayVersionRecord>>([]);
        lock (entry)
            return Task.FromResult<IReadOnlyList<MetricDayVersionRecord>>(entry.EarlierVersions.ToArray());
    }

    public Task<long> VersionAsync(MetricDayId id)
    {
        if (!_entries.TryGetValue(id.Key, out var entry))
            return Task.FromResult(0L);
        lock (entry)
            return Task.FromResult(entry.Version);
    }

    private void Write(MetricDayId id, long expectedVersion, Action<Entry> change)
    {
        var entry = _entries.GetOrAdd(id.Key, _ => new Entry());
        lock (entry)
        {
            if (entry.Version != expectedVersion)
                throw new StoreConflictException($"{id}: expected version {expectedVersion}, found {entry.Version}");
            change(entry);
            entry.Version++;
        }
    }
}
