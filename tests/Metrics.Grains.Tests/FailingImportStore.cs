using Metrics.Imports.Definitions;
using Metrics.Imports.Runs;

namespace Metrics.Grains.Tests;

/// <summary>
/// An import store whose reads of runs fail while <see cref="FailRunReads"/> is set, and whose next
/// <see cref="FailedRunSaves"/> saves of runs fail, as Redis unavailable for a moment.
/// </summary>
internal sealed class FailingImportStore(IImportStore inner) : IImportStore
{
    public bool FailRunReads { get; set; }

    public int FailedRunSaves;

    public Task<IReadOnlyList<ImportDefinition>> ImportsAsync(string project) => inner.ImportsAsync(project);

    public Task<IReadOnlyList<ImportRunState>> RunsAsync(string project, string importId) =>
        FailRunReads ? throw new StorageUnavailableException("the store is unavailable") : inner.RunsAsync(project, importId);

    public Task<bool> AddImportAsync(string project, ImportDefinition definition) => inner.AddImportAsync(project, definition);

    public Task DeleteImportAsync(string project, string importId) => inner.DeleteImportAsync(project, importId);

    public Task<RunLease?> AcquireLeaseAsync(string project, string importId, RunLease wanted, DateTimeOffset now) =>
        inner.AcquireLeaseAsync(project, importId, wanted, now);

    public Task<bool> RenewLeaseAsync(string project, string importId, RunLease renewed) => inner.RenewLeaseAsync(project, importId, renewed);

    public Task ReleaseLeaseAsync(string project, string importId, RunLease lease) => inner.ReleaseLeaseAsync(project, importId, lease);

    public Task<bool> SaveRunAsync(string project, ImportRunState run, RunLease lease) =>
        Interlocked.Decrement(ref FailedRunSaves) >= 0 ? throw new StorageUnavailableException("the store is unavailable") : inner.SaveRunAsync(project, run, lease);

    public Task<bool> FailOrphanAsync(string project, ImportRunState failed, DateTimeOffset now) => inner.FailOrphanAsync(project, failed, now);
}
