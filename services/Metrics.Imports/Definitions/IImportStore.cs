using Metrics.Imports.Runs;

namespace Metrics.Imports.Definitions;

/// <summary>
/// Where a project's import definitions and run history are kept: process memory, or Redis. A run is stored only by
/// the activation that holds its import's <see cref="RunLease"/>: each lease operation checks and writes in one step.
/// </summary>
public interface IImportStore
{
    Task<IReadOnlyList<ImportDefinition>> ImportsAsync(string project);

    /// <summary>The runs of one import, at most <see cref="MaxRunsKept"/>, in no particular order.</summary>
    Task<IReadOnlyList<ImportRunState>> RunsAsync(string project, string importId);

    /// <summary>Adds the import unless one of its ID is there (false, and nothing written): one of concurrent creations wins, whichever activation makes it.</summary>
    Task<bool> AddImportAsync(string project, ImportDefinition definition);

    /// <summary>Forgets the import, its runs and its run lease.</summary>
    Task DeleteImportAsync(string project, string importId);

    /// <summary>
    /// Takes the import's run lease for <paramref name="wanted"/>'s run unless another owner's lease is live at
    /// <paramref name="now"/>. Answers the lease that holds the import now: <paramref name="wanted"/>, or the other's;
    /// null, and nothing taken, if the import no longer exists (another activation deleted it).
    /// </summary>
    Task<RunLease?> AcquireLeaseAsync(string project, string importId, RunLease wanted, DateTimeOffset now);

    /// <summary>Moves the lease's expiry to <paramref name="renewed"/>'s if its owner still holds it for its run; false if not.</summary>
    Task<bool> RenewLeaseAsync(string project, string importId, RunLease renewed);

    /// <summary>Drops the lease if <paramref name="lease"/> still holds it, for a run that will not start after all.</summary>
    Task ReleaseLeaseAsync(string project, string importId, RunLease lease);

    /// <summary>
    /// Stores the run as it is now if <paramref name="lease"/> still holds its import (false, and nothing stored, if
    /// not), releases the lease when the run has ended, and forgets the oldest runs beyond <see cref="MaxRunsKept"/>.
    /// </summary>
    Task<bool> SaveRunAsync(string project, ImportRunState run, RunLease lease);

    /// <summary>
    /// Stores <paramref name="failed"/> in place of its run found unended, if the run's lease is not live at
    /// <paramref name="now"/> (it expired, or another run holds the import), and drops that run's lease. False, and
    /// nothing stored, if the lease is live or the stored run has ended (or is gone).
    /// </summary>
    Task<bool> FailOrphanAsync(string project, ImportRunState failed, DateTimeOffset now);

    public const int MaxRunsKept = 100;
}
