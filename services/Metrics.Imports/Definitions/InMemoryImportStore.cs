using System.Collections.Concurrent;
using Metrics.Grains.MetricDays;
using Metrics.Imports.Runs;

namespace Metrics.Imports.Definitions;

/// <summary>
/// The embedded mode's import store: process memory, lost when the process ends. The runs and the run leases change
/// under one lock, so that a lease's check and the write it guards are one step, as in Redis: a run's save, and a
/// load's swap into its metric-day (<see cref="IImportRunFences"/>).
/// </summary>
internal sealed class InMemoryImportStore : IImportStore, IImportRunFences
{
    private readonly ConcurrentDictionary<(string Project, string ImportId), ImportDefinition> _imports = new();
    private readonly Dictionary<(string Project, string ImportId), Dictionary<string, ImportRunState>> _runs = [];
    private readonly Dictionary<(string Project, string ImportId), RunLease> _leases = [];
    private readonly Lock _lock = new();

    public Task<IReadOnlyList<ImportDefinition>> ImportsAsync(string project) =>
        Task.FromResult<IReadOnlyList<ImportDefinition>>(_imports.Where(i => i.Key.Project == project).Select(i => i.Value).ToArray());

    public Task<IReadOnlyList<ImportRunState>> RunsAsync(string project, string importId)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<ImportRunState>>(_runs.TryGetValue((project, importId), out var runs) ? runs.Values.ToArray() : []);
    }

    public Task<bool> AddImportAsync(string project, ImportDefinition definition) =>
        Task.FromResult(_imports.TryAdd((project, definition.ImportId), definition));

    public Task DeleteImportAsync(string project, string importId)
    {
        lock (_lock)
        {
            _imports.TryRemove((project, importId), out _);
            _runs.Remove((project, importId));
            _leases.Remove((project, importId));
        }
        return Task.CompletedTask;
    }

    public Task<RunLease?> AcquireLeaseAsync(string project, string importId, RunLease wanted, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_imports.ContainsKey((project, importId)))
                return Task.FromResult<RunLease?>(null);
            if (_leases.TryGetValue((project, importId), out var held) && held.Owner != wanted.Owner && held.LiveAt(now))
                return Task.FromResult<RunLease?>(held);
            _leases[(project, importId)] = wanted;
            return Task.FromResult<RunLease?>(wanted);
        }
    }

    public Task<bool> RenewLeaseAsync(string project, string importId, RunLease renewed)
    {
        lock (_lock)
        {
            if (!Holds(project, importId, renewed))
                return Task.FromResult(false);
            _leases[(project, importId)] = renewed;
            return Task.FromResult(true);
        }
    }

    public Task ReleaseLeaseAsync(string project, string importId, RunLease lease)
    {
        lock (_lock)
        {
            if (Holds(project, importId, lease))
                _leases.Remove((project, importId));
            return Task.CompletedTask;
        }
    }

    public Task<bool> SaveRunAsync(string project, ImportRunState run, RunLease lease)
    {
        lock (_lock)
        {
            if (!Holds(project, run.ImportId, lease))
                return Task.FromResult(false);
            if (run.Ended)
                _leases.Remove((project, run.ImportId));
            if (!_runs.TryGetValue((project, run.ImportId), out var runs))
                _runs[(project, run.ImportId)] = runs = [];
            runs[run.RunId] = run;
            foreach (var old in runs.Values.OrderByDescending(r => r.StartedAt).Skip(IImportStore.MaxRunsKept).ToList())
                runs.Remove(old.RunId);
            return Task.FromResult(true);
        }
    }

    public Task<bool> FailOrphanAsync(string project, ImportRunState failed, DateTimeOffset now)
    {
        lock (_lock)
        {
            var key = (project, failed.ImportId);
            var lease = _leases.GetValueOrDefault(key);
            if (lease?.RunId == failed.RunId && lease.LiveAt(now))
                return Task.FromResult(false);
            if (!_runs.TryGetValue(key, out var runs) || !runs.TryGetValue(failed.RunId, out var stored) || stored.Ended)
                return Task.FromResult(false);
            runs[failed.RunId] = failed;
            if (lease?.RunId == failed.RunId)
                _leases.Remove(key);
            return Task.FromResult(true);
        }
    }

    public bool WriteIfHeld(string project, ImportRunFence fence, Action write)
    {
        lock (_lock)
        {
            if (!Holds(project, fence.ImportId, fence.Owner, fence.RunId))
                return false;
            write();
            return true;
        }
    }

    private bool Holds(string project, string importId, RunLease lease) => Holds(project, importId, lease.Owner, lease.RunId);

    /// <summary>Whether <paramref name="owner"/> holds the import's lease for <paramref name="runId"/>; its expiry matters only to others.</summary>
    private bool Holds(string project, string importId, string owner, string runId) =>
        _leases.TryGetValue((project, importId), out var held) && held.Owner == owner && held.RunId == runId;
}
