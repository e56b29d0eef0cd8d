using Metrics.Domain;
using Metrics.Grains;
using Metrics.Imports.Definitions;
using Metrics.Imports.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Metrics.Imports;

/// <summary>
/// A project's imports: their definitions and runs, kept in the <see cref="IImportStore"/>, and the runs under way,
/// each a task of this activation holding its import's <see cref="RunLease"/>. Reentrant, so that a run's progress can
/// be read while the run awaits its source. A run found RUNNING in the store that this activation is not running is
/// another activation's: while its lease is live it is left to it (and looked at again on a timer); once the lease
/// has expired its node stopped, and it is failed — since every metric-day swaps a load in whole, nothing of it is
/// half-applied.
/// </summary>
[Reentrant]
internal sealed partial class ImportsGrain(
    IImportStore store, IImportProjects projects, ImportRunner runner, IOptions<ImportOptions> options, TimeProvider clock, ILogger<ImportsGrain> logger)
    : Grain, IImportsGrain, IRemindable
{
    private const string ScheduleReminder = "import-schedules";

    /// <summary>How often a run's counts are stored while it goes on.</summary>
    private static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(2);

    /// <summary>Tries at storing a run's end before it is left to be failed as orphaned (a minute, <see cref="SaveEvery"/> apart).</summary>
    private const int EndSaveAttempts = 30;

    /// <summary>The run a lease names while <see cref="Delete"/> holds it.</summary>
    internal const string DeletingRun = "deleting";

    /// <summary>This activation's token in the run leases it holds: no other activation has it.</summary>
    private readonly string _owner = Guid.NewGuid().ToString("N");

    private string _project = "";
    private readonly SortedDictionary<string, ImportDefinition> _imports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, ImportRunState>> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunProgress> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reminderUpkeep = new(1, 1);

    /// <summary>The imports with a run under way in another activation, and the timer that looks at them again.</summary>
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);
    private IGrainTimer? _watch;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _project = this.GetPrimaryKeyString();
        foreach (var import in await store.ImportsAsync(_project))
        {
            _imports[import.ImportId] = import;
            await LoadRunsAsync(import.ImportId);
        }
        await KeepScheduleReminderAsync();
    }

    /// <summary>
    /// Reads the import's runs from the store. Each found unended that this activation is not running is failed as
    /// orphaned if its lease has expired; while the lease is live, another activation runs it, and the import is
    /// watched: read again every <see cref="ImportOptions.RunLeaseRenewal"/> until every such run has ended or failed.
    /// </summary>
    private async Task LoadRunsAsync(string importId)
    {
        var runs = _runs[importId] = (await store.RunsAsync(_project, importId)).ToDictionary(r => r.RunId);
        var mine = _running.GetValueOrDefault(importId)?.State.RunId;
        var underWayElsewhere = false;
        foreach (var found in runs.Values.Where(r => !r.Ended && r.RunId != mine).ToList())
        {
            var failed = found with
            {
                Status = ImportRunStatus.Failed,
                FinishedAt = clock.GetUtcNow(),
                Message = "the node running this run stopped (its lease expired); every metric-day it had not swapped in whole is as it was. Run the import again",
            };
            if (await store.FailOrphanAsync(_project, failed, clock.GetUtcNow()))
                runs[failed.RunId] = failed;
            else
                underWayElsewhere = true;
        }
        if (underWayElsewhere)
            _watched.Add(importId);
        else
            _watched.Remove(importId);
        KeepWatchTimer();
    }

    private void KeepWatchTimer()
    {
        if (_watched.Count > 0 && _watch is null)
        {
            var period = options.Value.RunLeaseRenewal;
            _watch = this.RegisterGrainTimer(WatchAsync, period, period);
        }
        else if (_watched.Count == 0 && _watch is not null)
        {
            _watch.Dispose();
            _watch = null;
        }
    }

    private async Task WatchAsync()
    {
        foreach (var importId in _watched.ToList())
        {
            if (_imports.ContainsKey(importId))
                await LoadRunsAsync(importId);
            else
                _watched.Remove(importId);
        }
        KeepWatchTimer();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == ScheduleReminder ? CheckSchedules() : Task.CompletedTask;

    public async Task CheckSchedules()
    {
        var now = clock.GetUtcNow();
        foreach (var import in _imports.Values.ToList())
        {
            if (ImportSchedule.Parse(import.Schedule) is not { } at || _running.ContainsKey(import.ImportId))
                continue;
            var tick = ImportSchedule.LatestTick(at, now);
            if (tick < import.CreatedAt || RunsOf(import.ImportId).Any(r => r.ScheduledFor >= tick))
                continue;
            await StartAsync(import, "", "", tick);
        }
    }

    /// <summary>
    /// One reminder per project while any of its imports has a schedule; it survives every node's restart. One upkeep at
    /// a time, deciding once it goes: the calls interleave, and a delete that saw no schedule left must not unregister
    /// the reminder a create registered meanwhile.
    /// </summary>
    private async Task KeepScheduleReminderAsync()
    {
        await _reminderUpkeep.WaitAsync();
        try
        {
            if (_imports.Values.Any(i => i.Schedule.Length > 0))
            {
                var period = options.Value.ScheduleCheckPeriod;
                await this.RegisterOrUpdateReminder(ScheduleReminder, period, period);
            }
            else if (await this.GetReminder(ScheduleReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        finally
        {
            _reminderUpkeep.Release();
        }
    }

    public async Task<ImportAnswer<ImportView>> Create(ImportDefinition definition)
    {
        var problem = ImportRules.Check(definition, name => projects.Source(_project, name) is not null).FirstOrDefault();
        if (problem.Field is not null)
            return new(null, ImportRefusal.Invalid, problem.Field, problem.Problem);
        var created = definition with { CreatedAt = clock.GetUtcNow() };
        // The store decides between concurrent creations (this activation's calls interleave), not the cache.
        if (_imports.ContainsKey(definition.ImportId) || !await store.AddImportAsync(_project, created))
            return new(null, ImportRefusal.AlreadyExists, "import.import_id", $"import \"{definition.ImportId}\" already exists");
        _imports[created.ImportId] = created;
        _runs[created.ImportId] = [];
        if (created.Schedule.Length > 0)
            await KeepScheduleReminderAsync();
        return new(View(created));
    }

    public Task<ImportView[]> List() => Task.FromResult(_imports.Values.Select(View).ToArray());

    public Task<ImportAnswer<ImportView>> Get(string importId) =>
        Task.FromResult(Find(importId, out var import) is { } missing ? Refused<ImportView>(missing) : new(View(import!)));

    public async Task<ImportAnswer<bool>> Delete(string importId)
    {
        if (Find(importId, out _) is { } missing)
            return Refused<bool>(missing);
        if (_running.TryGetValue(importId, out var running))
            return Busy<bool>(importId, running.State.RunId);
        // Taken so that no other activation's run is under way (or starts) while the import goes; deleted with it.
        var now = clock.GetUtcNow();
        var holder = await store.AcquireLeaseAsync(_project, importId, new RunLease(_owner, DeletingRun, now + options.Value.RunLease), now);
        if (holder is null)
            return Gone<bool>(importId);
        if (holder.Owner != _owner)
            return Busy<bool>(importId, holder.RunId);
        // A run of this activation that started while the lease was asked for took it over: the run goes on.
        if (_running.TryGetValue(importId, out running))
            return Busy<bool>(importId, running.State.RunId);
        await store.DeleteImportAsync(_project, importId);
        _imports.Remove(importId);
        _runs.Remove(importId);
        await GrainFactory.GetReadinessGrain(_project).ReleaseOwnership(importId);
        await KeepScheduleReminderAsync();
        return new(true);
    }

    public async Task<ImportAnswer<ImportRunState>> Run(string importId, string fromDate, string toDate)
    {
        if (Find(importId, out var import) is { } missing)
            return Refused<ImportRunState>(missing);
        return await StartAsync(import!, fromDate, toDate, scheduledFor: null);
    }

    /// <summary>
    /// Starts a run in the background, by request or for the schedule's tick <paramref name="scheduledFor"/>, once it
    /// holds the import's lease: refused, as a run under way here is, while another activation's run holds it.
    /// </summary>
    private async Task<ImportAnswer<ImportRunState>> StartAsync(ImportDefinition import, string fromDate, string toDate, DateTimeOffset? scheduledFor)
    {
        var importId = import.ImportId;
        if (_running.TryGetValue(importId, out var running))
            return Busy<ImportRunState>(importId, running.State.RunId);
        var now = clock.GetUtcNow();
        if (ImportRules.Window(fromDate, toDate, import.LookbackDays, PacificDay.Of(scheduledFor ?? now), out var problem) is not { } window)
            return new ImportAnswer<ImportRunState>(null, ImportRefusal.Invalid, problem!.Value.Field, problem.Value.Problem);

        var run = new ImportRunState(importId, $"{now:yyyyMMdd'T'HHmmss}-{Guid.NewGuid().ToString("N")[..8]}", ImportRunStatus.Pending,
            window.From.ToString(), window.To.ToString(), 0, 0, 0, 0, 0, 0, [], now, null, "",
            scheduledFor is null ? ImportRunState.Manual : ImportRunState.Scheduled, scheduledFor);
        var progress = new RunProgress(run);
        // Taken before the lease is asked for, so that a second call meanwhile is refused here.
        _running[importId] = progress;
        RunLease? holder;
        string? busyWith = null;
        try
        {
            holder = await store.AcquireLeaseAsync(_project, importId, new RunLease(_owner, run.RunId, now + options.Value.RunLease), now);
            if (holder is null)
            {
                _running.Remove(importId);
                return Gone<ImportRunState>(importId);
            }
            if (holder.Owner != _owner)
            {
                busyWith = holder.RunId;
            }
            else if (scheduledFor is { } tick && await TickRunElsewhereAsync(importId, tick) is { } ranElsewhere)
            {
                busyWith = ranElsewhere.RunId;
                await store.ReleaseLeaseAsync(_project, importId, holder);
            }
        }
        catch
        {
            // The import is not left taken by a run that never started; a lease not let go expires by itself.
            _running.Remove(importId);
            throw;
        }
        if (busyWith is not null)
        {
            _running.Remove(importId);
            return Busy<ImportRunState>(importId, busyWith);
        }
        _runs[importId][run.RunId] = run;
        // The run outlives this call; the activation stays while it goes on.
        DelayDeactivation(TimeSpan.FromHours(6));
        var leased = new LeasedRun(store, _project, importId, holder, options.Value, clock, logger);
        _ = ExecuteAsync(import, window.From, window.To, progress, leased);
        return new ImportAnswer<ImportRunState>(run);
    }

    public Task<ImportAnswer<ImportRunState[]>> Runs(string importId) =>
        Task.FromResult(Find(importId, out _) is { } missing
            ? Refused<ImportRunState[]>(missing)
            : new(RunsOf(importId).OrderByDescending(r => r.StartedAt).ToArray()));

    public Task<ImportAnswer<ImportRunState>> GetRun(string importId, string runId)
    {
        if (Find(importId, out _) is { } missing)
            return Task.FromResult(Refused<ImportRunState>(missing));
        var run = RunsOf(importId).FirstOrDefault(r => r.RunId == runId);
        return Task.FromResult(run is null
            ? new ImportAnswer<ImportRunState>(null, ImportRefusal.NotFound, "run_id", $"import \"{importId}\" has no run \"{ViolationReport.Shorten(runId)}\"")
            : new ImportAnswer<ImportRunState>(run));
    }

    /// <summary>
    /// A run of the schedule's <paramref name="tick"/> that another activation stored since this one read the runs.
    /// Read once this activation holds the lease: a run of the tick by another holds the lease from before its first
    /// save until its last, so none can be under way now, and one that ended is stored — a tick makes one run.
    /// </summary>
    private async Task<ImportRunState?> TickRunElsewhereAsync(string importId, DateTimeOffset tick)
    {
        await LoadRunsAsync(importId);
        return _runs[importId].Values.FirstOrDefault(r => r.ScheduledFor >= tick);
    }

    private async Task ExecuteAsync(ImportDefinition import, PacificDay from, PacificDay to, RunProgress progress, LeasedRun leased)
    {
        var importId = import.ImportId;
        using var _ = leased;
        try
        {
            progress.Running();
            await SaveAsync(progress, leased);
            using var saving = new CancellationTokenSource();
            using var ending = new CancellationTokenSource();
            var saver = SaveWhileRunningAsync(progress, leased, saving.Token);
            var renewer = leased.RenewWhileRunningAsync(ending.Token);
            try
            {
                await runner.RunAsync(_project, import, from, to, progress, leased, leased.Lost);
                progress.End(ImportRunStatus.Succeeded, Summary(progress.State), clock.GetUtcNow());
            }
            catch (OperationCanceledException) when (leased.IsLost)
            {
                // Another activation has the run now: nothing more of it is applied or stored.
            }
            catch (ImportRunFailed e)
            {
                progress.End(ImportRunStatus.Failed, e.Message, clock.GetUtcNow());
            }
            catch (StorageUnavailableException e)
            {
                LogRunFailed(e, _project, importId);
                progress.End(ImportRunStatus.Failed, "the store (Redis) became unavailable during the run; every metric-day it had not swapped in whole is as it was. Run the import again", clock.GetUtcNow());
            }
            catch (Exception e)
            {
                LogRunFailed(e, _project, importId);
                progress.End(ImportRunStatus.Failed, "the run stopped on an internal error; every metric-day it had not swapped in whole is as it was. Run the import again", clock.GetUtcNow());
            }
            var ended = progress.State;
            bool stored;
            try
            {
                await saving.CancelAsync();
                await saver;
                stored = await SaveEndAsync(progress, leased);
            }
            finally
            {
                await ending.CancelAsync();
                await renewer;
            }
            if (stored)
            {
                LogRunEnded(_project, importId, ended.RunId, ended.Status.ToString(), ended.RowsApplied, ended.RowsRejected, ended.Message);
                return;
            }
            LogLeaseLost(_project, importId, ended.RunId);
            // No longer this activation's run: it answers the runs as stored, this one failed as orphaned if need be.
            Forget(importId, progress);
            if (_imports.ContainsKey(importId))
                await LoadRunsAsync(importId);
        }
        catch (Exception e)
        {
            LogRunNotStored(e, _project, importId);
            // Its stored state is the last saved and its lease not let go: once the lease expires it is failed as orphaned.
            _watched.Add(importId);
            KeepWatchTimer();
        }
        finally
        {
            Forget(importId, progress);
        }
    }

    /// <summary>
    /// Stops answering <paramref name="progress"/> as the import's run under way, unless another run has taken its
    /// place meanwhile (the grain is reentrant: a run can start while this one's end is being stored).
    /// </summary>
    private void Forget(string importId, RunProgress progress)
    {
        if (_running.GetValueOrDefault(importId) == progress)
            _running.Remove(importId);
    }

    private async Task SaveWhileRunningAsync(RunProgress progress, LeasedRun leased, CancellationToken stop)
    {
        var saved = progress.Changes;
        try
        {
            while (!leased.IsLost)
            {
                await Task.Delay(SaveEvery, clock, stop);
                if (progress.Changes == saved)
                    continue;
                try
                {
                    await SaveAsync(progress, leased);
                    saved = progress.Changes;
                }
                catch (StorageUnavailableException e)
                {
                    // Tried again at the next period; the run's end is stored whatever its progress missed.
                    LogProgressNotStored(e, _project, progress.State.ImportId, progress.State.RunId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Stores the run's end, its lease still renewed meanwhile: tried again every <see cref="SaveEvery"/> while the store
    /// is unavailable, up to <see cref="EndSaveAttempts"/> times, so that one failed write does not leave a run that
    /// ended stored as running, to be failed as orphaned once its lease expires.
    /// </summary>
    private async Task<bool> SaveEndAsync(RunProgress progress, LeasedRun leased)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SaveAsync(progress, leased);
            }
            catch (StorageUnavailableException e) when (attempt < EndSaveAttempts)
            {
                LogProgressNotStored(e, _project, progress.State.ImportId, progress.State.RunId);
                await Task.Delay(SaveEvery, clock);
            }
        }
    }

    /// <summary>Stores the run as it is now, and answers it from now on, while its lease holds; false once lost.</summary>
    private async Task<bool> SaveAsync(RunProgress progress, LeasedRun leased)
    {
        var state = progress.State;
        if (!await leased.SaveAsync(state))
            return false;
        if (_runs.TryGetValue(state.ImportId, out var runs))
            runs[state.RunId] = state;
        return true;
    }

    private IEnumerable<ImportRunState> RunsOf(string importId)
    {
        var runs = _runs.GetValueOrDefault(importId)?.Values ?? Enumerable.Empty<ImportRunState>();
        // The run under way as it is this instant, not as last stored; ended only once it has let the import go.
        return _running.TryGetValue(importId, out var progress) ? runs.Where(r => r.RunId != progress.State.RunId).Append(progress.UnderWay) : runs;
    }

    private ImportView View(ImportDefinition import) =>
        new(import, RunsOf(import.ImportId).OrderByDescending(r => r.StartedAt).FirstOrDefault());

    private string? Find(string importId, out ImportDefinition? import) =>
        _imports.TryGetValue(importId, out import) ? null : $"import \"{importId}\" does not exist";

    private static ImportAnswer<T> Refused<T>(string message) => new(default, ImportRefusal.NotFound, "import_id", message);

    /// <summary>The import was deleted by another activation since this one read it: it is forgotten here too.</summary>
    private ImportAnswer<T> Gone<T>(string importId)
    {
        _imports.Remove(importId);
        _runs.Remove(importId);
        return Refused<T>(Find(importId, out _)!);
    }

    /// <summary>Refused while the lease is held: by a run (named), or by another activation deleting the import.</summary>
    private static ImportAnswer<T> Busy<T>(string importId, string runId) => new(default, ImportRefusal.Busy, "import_id", runId == DeletingRun
        ? $"import \"{importId}\" is being deleted"
        : $"run {runId} of import \"{importId}\" is under way; wait until it ends");

    private static string Summary(ImportRunState run) =>
        $"{run.DaysLoaded} metric-day(s) loaded, {run.DaysRestated} restated, {run.DaysUnchanged} unchanged; "
        + $"{run.RowsApplied} of {run.RowsRead} row(s) applied, {run.RowsRejected} rejected";

    [LoggerMessage(EventId = 1003, EventName = "ImportRunEnded", Level = LogLevel.Information,
        Message = "Project {Project}: import {ImportId} run {RunId} ended {Status}, {RowsApplied} row(s) applied, {RowsRejected} rejected: {Summary}")]
    private partial void LogRunEnded(string project, string importId, string runId, string status, long rowsApplied, long rowsRejected, string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId} of {Project}: the run failed on an internal error")]
    private partial void LogRunFailed(Exception exception, string project, string importId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} of {Project}: the run's end could not be stored")]
    private partial void LogRunNotStored(Exception exception, string project, string importId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} of {Project}: the progress of run {RunId} could not be stored; tried again shortly")]
    private partial void LogProgressNotStored(Exception exception, string project, string importId, string runId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Import {ImportId} of {Project}: run {RunId} lost its lease to another activation and stopped; nothing more of it was stored")]
    private partial void LogLeaseLost(string project, string importId, string runId);
}
