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
/// each a task of this activation. Reentrant, so that a run's progress can be read while the run awaits its source.
/// A run found RUNNING in the store when the grain activates belonged to an activation that is gone (its node
/// stopped): it is failed, and since every metric-day swaps a load in whole, nothing of it is half-applied.
/// </summary>
[Reentrant]
internal sealed partial class ImportsGrain(
    IImportStore store, IImportProjects projects, ImportRunner runner, IOptions<ImportOptions> options, TimeProvider clock, ILogger<ImportsGrain> logger)
    : Grain, IImportsGrain, IRemindable
{
    private const string ScheduleReminder = "import-schedules";

    /// <summary>How often a run's counts are stored while it goes on.</summary>
    private static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(2);

    private string _project = "";
    private readonly SortedDictionary<string, ImportDefinition> _imports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, ImportRunState>> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunProgress> _running = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _project = this.GetPrimaryKeyString();
        foreach (var import in await store.ImportsAsync(_project))
        {
            _imports[import.ImportId] = import;
            var runs = _runs[import.ImportId] = (await store.RunsAsync(_project, import.ImportId)).ToDictionary(r => r.RunId);
            foreach (var orphan in runs.Values.Where(r => !r.Ended).ToList())
            {
                var failed = orphan with
                {
                    Status = ImportRunStatus.Failed,
                    FinishedAt = clock.GetUtcNow(),
                    Message = "the node running this run stopped; every metric-day it had not swapped in whole is as it was. Run the import again",
                };
                runs[failed.RunId] = failed;
                await store.SaveRunAsync(_project, failed);
            }
        }
        await KeepScheduleReminderAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == ScheduleReminder ? CheckSchedules() : Task.CompletedTask;

    public async Task CheckSchedules()
    {
        var now = clock.GetUtcNow();
        foreach (var import in _imports.Values)
        {
            if (ImportSchedule.Parse(import.Schedule) is not { } at || _running.ContainsKey(import.ImportId))
                continue;
            var tick = ImportSchedule.LatestTick(at, now);
            if (tick < import.CreatedAt || RunsOf(import.ImportId).Any(r => r.ScheduledFor >= tick))
                continue;
            var run = Start(import, "", "", tick);
            if (run.Refusal is null)
                await SaveAsync(import.ImportId, _running[import.ImportId]);
        }
    }

    /// <summary>One reminder per project while any of its imports has a schedule; it survives every node's restart.</summary>
    private async Task KeepScheduleReminderAsync()
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

    public async Task<ImportAnswer<ImportView>> Create(ImportDefinition definition)
    {
        var problem = ImportRules.Check(definition, name => projects.Source(_project, name) is not null).FirstOrDefault();
        if (problem.Field is not null)
            return new(null, ImportRefusal.Invalid, problem.Field, problem.Problem);
        if (_imports.ContainsKey(definition.ImportId))
            return new(null, ImportRefusal.AlreadyExists, "import.import_id", $"import \"{definition.ImportId}\" already exists");
        var created = definition with { CreatedAt = clock.GetUtcNow() };
        await store.SaveImportAsync(_project, created);
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
        if (_running.ContainsKey(importId))
            return Busy<bool>(importId);
        await store.DeleteImportAsync(_project, importId);
        _imports.Remove(importId);
        _runs.Remove(importId);
        await GrainFactory.GetReadinessGrain(_project).ReleaseOwnership(importId);
        await KeepScheduleReminderAsync();
        return new(true);
    }

    public Task<ImportAnswer<ImportRunState>> Run(string importId, string fromDate, string toDate)
    {
        if (Find(importId, out var import) is { } missing)
            return Task.FromResult(Refused<ImportRunState>(missing));
        return Task.FromResult(Start(import!, fromDate, toDate, scheduledFor: null));
    }

    /// <summary>Starts a run in the background: by request, or for the schedule's tick <paramref name="scheduledFor"/>.</summary>
    private ImportAnswer<ImportRunState> Start(ImportDefinition import, string fromDate, string toDate, DateTimeOffset? scheduledFor)
    {
        var importId = import.ImportId;
        if (_running.ContainsKey(importId))
            return Busy<ImportRunState>(importId);
        var now = clock.GetUtcNow();
        if (ImportRules.Window(fromDate, toDate, import.LookbackDays, PacificDay.Of(scheduledFor ?? now), out var problem) is not { } window)
            return new ImportAnswer<ImportRunState>(null, ImportRefusal.Invalid, problem!.Value.Field, problem.Value.Problem);

        var run = new ImportRunState(importId, $"{now:yyyyMMdd'T'HHmmss}-{Guid.NewGuid().ToString("N")[..8]}", ImportRunStatus.Pending,
            window.From.ToString(), window.To.ToString(), 0, 0, 0, 0, 0, 0, [], now, null, "",
            scheduledFor is null ? ImportRunState.Manual : ImportRunState.Scheduled, scheduledFor);
        var progress = new RunProgress(run);
        _running[importId] = progress;
        _runs[importId][run.RunId] = run;
        // The run outlives this call; the activation stays while it goes on.
        DelayDeactivation(TimeSpan.FromHours(6));
        _ = ExecuteAsync(import, window.From, window.To, progress);
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
            ? new ImportAnswer<ImportRunState>(null, ImportRefusal.NotFound, "run_id", $"import \"{importId}\" has no run \"{runId}\"")
            : new ImportAnswer<ImportRunState>(run));
    }

    private async Task ExecuteAsync(ImportDefinition import, PacificDay from, PacificDay to, RunProgress progress)
    {
        var importId = import.ImportId;
        try
        {
            progress.Running();
            await SaveAsync(importId, progress);
            using var saving = new CancellationTokenSource();
            var saver = SaveWhileRunningAsync(importId, progress, saving.Token);
            try
            {
                await runner.RunAsync(_project, import, from, to, progress, CancellationToken.None);
                progress.End(ImportRunStatus.Succeeded, Summary(progress.State), clock.GetUtcNow());
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
            await saving.CancelAsync();
            await saver;
            var ended = progress.State;
            LogRunEnded(_project, importId, ended.RunId, ended.Status.ToString(), ended.RowsApplied, ended.RowsRejected, ended.Message);
            await SaveAsync(importId, progress);
        }
        catch (Exception e)
        {
            LogRunNotStored(e, _project, importId);
        }
        finally
        {
            _running.Remove(importId);
        }
    }

    private async Task SaveWhileRunningAsync(string importId, RunProgress progress, CancellationToken stop)
    {
        var saved = progress.Changes;
        try
        {
            while (true)
            {
                await Task.Delay(SaveEvery, clock, stop);
                if (progress.Changes == saved)
                    continue;
                saved = progress.Changes;
                await SaveAsync(importId, progress);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SaveAsync(string importId, RunProgress progress)
    {
        var state = progress.State;
        if (_runs.TryGetValue(importId, out var runs))
            runs[state.RunId] = state;
        await store.SaveRunAsync(_project, state);
    }

    private IEnumerable<ImportRunState> RunsOf(string importId)
    {
        var runs = _runs.GetValueOrDefault(importId)?.Values ?? Enumerable.Empty<ImportRunState>();
        // The run under way as it is this instant, not as last stored.
        return _running.TryGetValue(importId, out var progress) ? runs.Where(r => r.RunId != progress.State.RunId).Append(progress.State) : runs;
    }

    private ImportView View(ImportDefinition import) =>
        new(import, RunsOf(import.ImportId).OrderByDescending(r => r.StartedAt).FirstOrDefault());

    private string? Find(string importId, out ImportDefinition? import) =>
        _imports.TryGetValue(importId, out import) ? null : $"import \"{importId}\" does not exist";

    private static ImportAnswer<T> Refused<T>(string message) => new(default, ImportRefusal.NotFound, "import_id", message);

    private ImportAnswer<T> Busy<T>(string importId) =>
        new(default, ImportRefusal.Busy, "import_id", $"run {_running[importId].State.RunId} of import \"{importId}\" is under way; wait until it ends");

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
}
