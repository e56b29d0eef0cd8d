using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Imports;
using Metrics.Imports.Definitions;
using Metrics.Imports.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains.Tests;

/// <summary>
/// Two activations of a project's imports grain can live for a moment during a membership change. Here the other
/// activation is played by calls straight to the import store, as it would make them: a fresh activation leaves a run
/// whose lease is live to the activation running it (and refuses a second run of the import, naming it), fails it as
/// orphaned once its lease has expired (the clock moved past it), and a run that lost its lease applies nothing more
/// and stores nothing over what the other activation wrote. On the embedded mode's store and on Redis's.
/// </summary>
public abstract class ImportRunLeaseTests(Func<Task<ImportTestStores>> start) : IAsyncLifetime
{
    private const string Project = "leased-imports";
    private const string Other = "the-other-activation";
    private const string Day = "2026-03-10";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>Renewals, and the fresh activation's looks at another's run, often enough for a test that waits for them.</summary>
    private static readonly TimeSpan QuickRenewal = TimeSpan.FromMilliseconds(100);

    private readonly ManualClock _clock = new(DateTimeOffset.Parse("2026-03-12T10:00:00-07:00"));
    private readonly ListSource _source = new();
    private EmbeddedSilo? _silo;

    private ImportTestStores _stores = null!;

    private IImportStore Store => _stores.Imports;

    public async Task InitializeAsync()
    {
        _source.Add("u1", "revenue", Day, 10);
        _stores = await start();
    }

    public async Task DisposeAsync()
    {
        _source.Gate?.TrySetResult();
        if (_silo is not null)
            await _silo.DisposeAsync();
        await _stores.DisposeAsync();
    }

    private async Task StartSiloAsync(TimeSpan renewal, IImportStore? store = null)
    {
        var projects = new ListSourceProjects();
        projects.Sources["warehouse"] = _source;
        _silo = await EmbeddedSilo.StartAsync(_clock, projects, services =>
        {
            _stores.AddTo(services);
            services.AddSingleton(store ?? Store)
                .Configure<ImportOptions>(o => (o.RunLease, o.RunLeaseRenewal) = (Lease, renewal));
        });
    }

    private IImportsGrain Imports => _silo!.Grains.GetGrain<IImportsGrain>(Project);

    private static ImportDefinition Definition() => new("daily", "warehouse", "select * from metrics", "", 14, 0.01, false, "", 0, default);

    /// <summary>The other activation defines the import and starts a run of it, holding its lease.</summary>
    private async Task<(ImportRunState Run, RunLease Lease)> OtherActivationRunsAsync()
    {
        await Store.AddImportAsync(Project, Definition() with { CreatedAt = _clock.Now });
        var wanted = new RunLease(Other, "run-of-the-other", _clock.Now + Lease);
        Assert.Equal(wanted, await Store.AcquireLeaseAsync(Project, "daily", wanted, _clock.Now));
        var run = new ImportRunState("daily", wanted.RunId, ImportRunStatus.Running, Day, Day, 1, 0, 0, 0, 0, 0, [], _clock.Now, null, "", ImportRunState.Manual);
        Assert.True(await Store.SaveRunAsync(Project, run, wanted));
        return (run, wanted);
    }

    private async Task<ImportRunState> StoredAsync(string runId) => (await Store.RunsAsync(Project, "daily")).Single(r => r.RunId == runId);

    private async Task<ImportRunState> RunSeenAsync(string runId) => (await Imports.GetRun("daily", runId)).Value!;

    private static async Task<ImportRunState> WaitForAsync(Func<Task<ImportRunState>> read, Func<ImportRunState, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var run = await read();
            if (done(run))
                return run;
            Assert.True(DateTime.UtcNow < deadline, $"still {run}");
            await Task.Delay(20);
        }
    }

    /// <summary>Runs by value, their errors included (an array compares by reference in a record).</summary>
    private static void AssertSameRun(ImportRunState expected, ImportRunState actual)
    {
        Assert.Equal(expected with { Errors = [] }, actual with { Errors = [] });
        Assert.Equal(expected.Errors, actual.Errors);
    }

    /// <summary>A run stored as running and held at its source's gate, on a store whose run saves a test can fail.</summary>
    private async Task<(FailingImportStore Store, ImportRunState Run)> RunHeldAtItsSourceAsync()
    {
        var failing = new FailingImportStore(Store);
        await StartSiloAsync(QuickRenewal, failing);
        await Store.AddImportAsync(Project, Definition() with { CreatedAt = _clock.Now });
        _source.Gate = new TaskCompletionSource();
        var started = (await Imports.Run("daily", Day, Day)).Value!;
        await WaitForAsync(() => StoredAsync(started.RunId), r => r.Status == ImportRunStatus.Running);
        return (failing, started);
    }

    private async Task<ImportRunState> RunToEndAsync()
    {
        var started = await Imports.Run("daily", Day, Day);
        Assert.Null(started.Refusal);
        return await WaitForAsync(() => RunSeenAsync(started.Value!.RunId), r => r.Ended);
    }

    [Fact]
    public async Task AFreshActivationLeavesARunWhoseLeaseIsLiveToTheActivationRunningIt()
    {
        await StartSiloAsync(QuickRenewal);
        var (run, lease) = await OtherActivationRunsAsync();

        Assert.Equal(ImportRunStatus.Running, (await RunSeenAsync(run.RunId)).Status); // the grain activates here
        var second = await Imports.Run("daily", Day, Day);
        Assert.Equal(ImportRefusal.Busy, second.Refusal);
        Assert.Equal("import_id", second.Field);
        Assert.Equal($"run {run.RunId} of import \"daily\" is under way; wait until it ends", second.Message);
        await Task.Delay(10 * QuickRenewal); // the fresh activation looks again: the lease is still live
        Assert.Equal(ImportRunStatus.Running, (await StoredAsync(run.RunId)).Status);

        // The other activation goes on, and its run ends as it says.
        Assert.True(await Store.RenewLeaseAsync(Project, "daily", lease with { ExpiresAt = _clock.Now + Lease }));
        Assert.True(await Store.SaveRunAsync(Project, run with { Status = ImportRunStatus.Succeeded, FinishedAt = _clock.Now, RowsApplied = 1 }, lease));
        var ended = await WaitForAsync(() => RunSeenAsync(run.RunId), r => r.Ended);
        Assert.Equal((ImportRunStatus.Succeeded, 1L), (ended.Status, ended.RowsApplied));
        Assert.Equal(ImportRunStatus.Succeeded, (await RunToEndAsync()).Status); // its end released the lease
    }

    [Fact]
    public async Task ARunWhoseLeaseExpiredIsFailedAsOrphanedAndItsActivationStoresNothingMore()
    {
        await StartSiloAsync(QuickRenewal);
        var (run, lease) = await OtherActivationRunsAsync();
        Assert.Equal(ImportRunStatus.Running, (await RunSeenAsync(run.RunId)).Status);

        _clock.Now += Lease + TimeSpan.FromSeconds(1); // the other activation's node died: nothing renews the lease

        var failed = await WaitForAsync(() => RunSeenAsync(run.RunId), r => r.Ended);
        Assert.Equal(ImportRunStatus.Failed, failed.Status);
        Assert.Contains("stopped", failed.Message);
        AssertSameRun(failed, await StoredAsync(run.RunId));
        Assert.False(await Store.RenewLeaseAsync(Project, "daily", lease with { ExpiresAt = _clock.Now + Lease }));
        Assert.False(await Store.SaveRunAsync(Project, run with { Status = ImportRunStatus.Succeeded, FinishedAt = _clock.Now }, lease));
        AssertSameRun(failed, await StoredAsync(run.RunId));
        Assert.Equal(ImportRunStatus.Succeeded, (await RunToEndAsync()).Status);
    }

    [Fact]
    public async Task ARunWhoseLeaseHadExpiredWhenTheGrainActivatesIsFailedAtOnce()
    {
        await StartSiloAsync(QuickRenewal);
        var (run, _) = await OtherActivationRunsAsync();
        _clock.Now += Lease;

        var seen = await RunSeenAsync(run.RunId);

        Assert.Equal(ImportRunStatus.Failed, seen.Status);
        AssertSameRun(seen, await StoredAsync(run.RunId));
    }

    [Fact]
    public async Task ARunThatLostItsLeaseAppliesNothingMoreAndLeavesWhatTheOtherActivationWrote()
    {
        // Renewals at the default pace: this activation stalls (as in a long pause) while the clock passes its lease.
        await StartSiloAsync(new ImportOptions().RunLeaseRenewal);
        await Imports.Create(Definition());
        _source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runId = (await Imports.Run("daily", Day, Day)).Value!.RunId;
        var stored = await WaitForAsync(() => StoredAsync(runId), r => r.Status == ImportRunStatus.Running);

        _clock.Now += Lease + TimeSpan.FromSeconds(1);
        var failedByOther = stored with { Status = ImportRunStatus.Failed, FinishedAt = _clock.Now, Message = "failed by the other activation" };
        Assert.True(await Store.FailOrphanAsync(Project, failedByOther, _clock.Now));
        _source.Gate.SetResult(); // the stalled run goes on: it reads the day, and would swap it in

        var seen = await WaitForAsync(() => RunSeenAsync(runId), r => r.Ended);
        AssertSameRun(failedByOther, seen);
        Assert.Null(await _silo!.Grains.GetMetricDayGrain(new MetricDayId(Project, "revenue", PacificDay.Parse(Day))).View(includeTest: false));
        await Task.Delay(TimeSpan.FromSeconds(3)); // past the next periodic save, had the run gone on
        AssertSameRun(failedByOther, await StoredAsync(runId));
    }

    [Fact]
    public async Task ARunOfAnImportAnotherActivationIsDeletingIsRefusedSayingSo()
    {
        await StartSiloAsync(QuickRenewal);
        await Store.AddImportAsync(Project, Definition() with { CreatedAt = _clock.Now });
        var deleting = new RunLease(Other, ImportsGrain.DeletingRun, _clock.Now + Lease);
        Assert.Equal(deleting, await Store.AcquireLeaseAsync(Project, "daily", deleting, _clock.Now));

        var refused = await Imports.Run("daily", Day, Day);

        Assert.Equal((ImportRefusal.Busy, "import \"daily\" is being deleted"), (refused.Refusal, refused.Message));
        Assert.Equal(ImportRefusal.Busy, (await Imports.Delete("daily")).Refusal);
    }

    [Fact]
    public async Task DeletingAnImportAnotherActivationIsRunningIsRefusedNamingTheRunUntilItEnds()
    {
        await StartSiloAsync(QuickRenewal);
        var (run, lease) = await OtherActivationRunsAsync();

        var refused = await Imports.Delete("daily");
        Assert.Equal(ImportRefusal.Busy, refused.Refusal);
        Assert.Equal($"run {run.RunId} of import \"daily\" is under way; wait until it ends", refused.Message);
        Assert.Single(await Store.ImportsAsync(Project));
        Assert.True(await Store.RenewLeaseAsync(Project, "daily", lease)); // the other activation still holds it

        Assert.True(await Store.SaveRunAsync(Project, run with { Status = ImportRunStatus.Succeeded, FinishedAt = _clock.Now }, lease));
        Assert.Null((await Imports.Delete("daily")).Refusal);
        Assert.Empty(await Store.ImportsAsync(Project));
    }

    [Fact]
    public async Task AnImportAnotherActivationDeletedIsNeitherRunNorDeletedAgainHere()
    {
        await StartSiloAsync(QuickRenewal);
        Assert.Null((await Imports.Create(Definition())).Refusal);

        await Store.DeleteImportAsync(Project, "daily"); // by the other activation

        var run = await Imports.Run("daily", Day, Day);
        Assert.Equal((ImportRefusal.NotFound, "import_id"), (run.Refusal, run.Field));
        Assert.Equal("import \"daily\" does not exist", run.Message);
        Assert.Empty(await Store.RunsAsync(Project, "daily"));
        Assert.Empty(await Store.ImportsAsync(Project));
        Assert.Null(await _silo!.Grains.GetReadinessGrain(Project).DescribeMetric("revenue")); // nothing loaded, nothing owned
        Assert.Equal(ImportRefusal.NotFound, (await Imports.Get("daily")).Refusal);
        Assert.Equal(ImportRefusal.NotFound, (await Imports.Delete("daily")).Refusal);
    }

    /// <summary>A scheduled run re-reads the import's runs before it starts: when that read fails, the import is not left taken.</summary>
    [Fact]
    public async Task AScheduledRunThatCannotReadTheRunsLeavesTheImportFree()
    {
        var failing = new FailingImportStore(Store);
        await StartSiloAsync(QuickRenewal, failing);
        await Store.AddImportAsync(Project, Definition() with { Schedule = "daily@02:00", CreatedAt = _clock.Now.AddDays(-2) });
        Assert.Single(await Imports.List());

        failing.FailRunReads = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Imports.CheckSchedules());
        failing.FailRunReads = false;

        Assert.Equal(ImportRunStatus.Succeeded, (await RunToEndAsync()).Status);
    }

    [Fact]
    public async Task ARunWhoseEndCouldNotBeStoredAtOnceIsStoredAsItEndedOnceTheStoreAnswers()
    {
        var (failing, started) = await RunHeldAtItsSourceAsync();

        Interlocked.Exchange(ref failing.FailedRunSaves, 2); // the store is away as the run ends
        _source.Gate!.SetResult();

        var stored = await WaitForAsync(() => StoredAsync(started.RunId), r => r.Ended);
        Assert.Equal((ImportRunStatus.Succeeded, 1L), (stored.Status, stored.RowsApplied));
        Assert.True(failing.FailedRunSaves < 0);
    }

    /// <summary>
    /// A run is answered ended once its end is stored and the import let go, not before: a caller that sees it end
    /// may start the next at once, and one that starts it while the end waits for the store is refused as busy.
    /// </summary>
    [Fact]
    public async Task ARunIsAnsweredEndedOnlyOnceTheImportIsFreeForTheNext()
    {
        var (failing, started) = await RunHeldAtItsSourceAsync();

        Interlocked.Exchange(ref failing.FailedRunSaves, 1); // the run's end is not stored at its first attempt
        _source.Gate!.SetResult();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref failing.FailedRunSaves) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run's end was never saved");
            await Task.Delay(5);
        }

        Assert.Equal(ImportRunStatus.Running, (await RunSeenAsync(started.RunId)).Status);
        Assert.Equal(ImportRefusal.Busy, (await Imports.Run("daily", Day, Day)).Refusal);
        var ended = await WaitForAsync(() => RunSeenAsync(started.RunId), r => r.Ended);
        var next = await Imports.Run("daily", Day, Day);

        Assert.Equal((ImportRunStatus.Succeeded, 1L), (ended.Status, ended.RowsApplied));
        Assert.Null(next.Refusal);
        Assert.Equal(ImportRunStatus.Succeeded, (await WaitForAsync(() => RunSeenAsync(next.Value!.RunId), r => r.Ended)).Status);
    }

    /// <summary>
    /// This activation read the runs before another ran the schedule's latest tick to its end (and let the lease go):
    /// its own memory says the tick has no run, the store says it has one, and a tick makes one run.
    /// </summary>
    [Fact]
    public async Task AScheduledTickThatAnotherActivationRanIsNotRunAgain()
    {
        await StartSiloAsync(QuickRenewal);
        const string schedule = "daily@02:00";
        await Store.AddImportAsync(Project, Definition() with { Schedule = schedule, CreatedAt = _clock.Now.AddDays(-2) });
        Assert.Single(await Imports.List()); // the grain activates here, with no run of the import
        var tick = ImportSchedule.LatestTick(ImportSchedule.Parse(schedule)!.Value, _clock.Now);

        var other = new RunLease(Other, "tick-run-of-the-other", _clock.Now + Lease);
        Assert.Equal(other, await Store.AcquireLeaseAsync(Project, "daily", other, _clock.Now));
        var ran = new ImportRunState("daily", other.RunId, ImportRunStatus.Succeeded, Day, Day, 1, 1, 0, 1, 0, 0, [],
            _clock.Now, _clock.Now, "1 metric-day(s) loaded", ImportRunState.Scheduled, tick);
        Assert.True(await Store.SaveRunAsync(Project, ran, other));

        await Imports.CheckSchedules();

        Assert.Equal([other.RunId], (await Store.RunsAsync(Project, "daily")).Select(r => r.RunId));
        AssertSameRun(ran, await RunSeenAsync(other.RunId));
        // The lease it took to look was let go: a run by request starts at once.
        Assert.Equal(ImportRunStatus.Succeeded, (await RunToEndAsync()).Status);
    }
}

/// <summary><see cref="ImportRunLeaseTests"/> on the embedded mode's stores.</summary>
public sealed class InMemoryImportRunLeaseTests() : ImportRunLeaseTests(ImportTestStores.InMemoryAsync);

/// <summary><see cref="ImportRunLeaseTests"/> on the Redis deployment's stores, against a real redis-server.</summary>
public sealed class RedisImportRunLeaseTests() : ImportRunLeaseTests(ImportTestStores.RedisAsync);
