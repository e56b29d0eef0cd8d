using Metrics.Grains;
using Metrics.Grains.MetricDays;
using Metrics.Imports.Definitions;
using Microsoft.Extensions.Logging;

namespace Metrics.Imports.Runs;

/// <summary>
/// A run under way in this activation, and its lease: the run is stored only while the lease holds its import, the
/// lease is renewed on a timer, and once it is lost — another activation failed the run as orphaned after the lease
/// expired, or took the import's lease for a run of its own — <see cref="Lost"/> is cancelled: the run stops, and
/// nothing more of it is stored over what the other activation wrote.
/// </summary>
internal sealed partial class LeasedRun(
    IImportStore store, string project, string importId, RunLease lease, ImportOptions options, TimeProvider clock, ILogger logger)
    : IDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private RunLease _lease = lease;

    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>What the run's loads are committed under: each is swapped in only while this lease holds the import.</summary>
    public ImportRunFence Fence => new(importId, _lease.Owner, _lease.RunId);

    /// <summary>Stores the run as it is now; false, and the lease lost, if the lease no longer holds its import.</summary>
    public async Task<bool> SaveAsync(ImportRunState run)
    {
        if (!IsLost && await store.SaveRunAsync(project, run, _lease))
            return true;
        await _lost.CancelAsync();
        return false;
    }

    /// <summary>
    /// Renews the lease now, before the run applies something (a day's swap, the signal), so that no other activation
    /// can have taken it since; throws <see cref="OperationCanceledException"/> if it is lost.
    /// </summary>
    public async Task ConfirmAsync()
    {
        await RenewAsync();
        _lost.Token.ThrowIfCancellationRequested();
    }

    /// <summary>A load was refused by its fence: the lease is lost.</summary>
    public Task MarkLostAsync() => _lost.CancelAsync();

    /// <summary>Renews the lease every <see cref="ImportOptions.RunLeaseRenewal"/> until <paramref name="stop"/>, or until it is lost.</summary>
    public async Task RenewWhileRunningAsync(CancellationToken stop)
    {
        try
        {
            while (!IsLost)
            {
                await Task.Delay(options.RunLeaseRenewal, clock, stop);
                try
                {
                    await RenewAsync();
                }
                catch (StorageUnavailableException e)
                {
                    // Tried again at the next renewal: the lease holds until it expires, and every save checks it.
                    LogNotRenewed(e, project, importId, _lease.RunId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RenewAsync()
    {
        var renewed = _lease with { ExpiresAt = clock.GetUtcNow() + options.RunLease };
        if (!IsLost && await store.RenewLeaseAsync(project, importId, renewed))
            _lease = renewed;
        else
            await _lost.CancelAsync();
    }

    public void Dispose() => _lost.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} of {Project}: the lease of run {RunId} could not be renewed")]
    private partial void LogNotRenewed(Exception exception, string project, string importId, string runId);
}
