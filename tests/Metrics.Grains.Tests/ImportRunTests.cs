using Metrics.Domain;
using Metrics.Grains.Ingestion;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Metrics.Imports;
using Metrics.Imports.Definitions;
using Metrics.Imports.Schema;
using Metrics.Imports.Runs;
using Metrics.Imports.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains.Tests;

/// <summary>
/// Import runs on the in-process cluster, from a source the test holds and changes: a run loads each metric-day,
/// reloads a changed open day in place of its earlier load, leaves an unchanged one, restates a sealed one by a
/// new version only past the threshold, owns its metric names, and refuses or reports invalid rows.
/// </summary>
public sealed class ImportRunTests : IAsyncLifetime
{
    private const string Project = "imports";
    private static readonly PacificDay Day1 = PacificDay.Parse("2026-03-10");
    private static readonly PacificDay Day2 = PacificDay.Parse("2026-03-11");

    private readonly ListSource _source = new();
    private readonly ListSourceProjects _projects = new();
    private EmbeddedSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _projects.Sources["warehouse"] = _source;
        _silo = await EmbeddedSilo.StartAsync(imports: _projects);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private IImportsGrain Imports => _silo.Grains.GetGrain<IImportsGrain>(Project);

    private IReadinessGrain Readiness => _silo.Grains.GetReadinessGrain(Project);

    private IMetricDayGrain MetricDay(string metric, PacificDay day) => _silo.Grains.GetMetricDayGrain(new MetricDayId(Project, metric, day));

    private static ImportDefinition Definition(string id = "daily", double threshold = 0.01, int maxRejected = 0, string signal = "") =>
        new(id, "warehouse", "select * from metrics", "", 14, threshold, false, signal, maxRejected, default);

    /// <summary>
    /// The fence of a lease that holds the import "daily" in the silo's store: what a run commits under when it swaps
    /// in, for a test that makes a run's commits itself.
    /// </summary>
    private static async Task<ImportRunFence> FenceAsync(EmbeddedSilo silo, DateTimeOffset now)
    {
        var lease = new RunLease("an-activation", "a-run", now.AddMinutes(1));
        await silo.Services.GetRequiredService<IImportStore>().AcquireLeaseAsync(Project, "daily", lease, now);
        return new ImportRunFence("daily", lease.Owner, lease.RunId);
    }

    /// <summary>"revenue" of <see cref="Day1"/> loaded and sealed (version 1), and the project's readiness events watched from then on.</summary>
    private async Task<ReadinessWatch> LoadSealAndWatchAsync()
    {
        _source.Add("u1", "revenue", "2026-03-10", 1);
        await Imports.Create(Definition());
        await RunAsync();
        await Readiness.MarkDataReady(Day1.EndUnixSeconds);
        return await _silo.Services.GetRequiredService<IReadinessFeed>().WatchAsync(Project);
    }

    /// <summary>A run's swap of a restatement of "revenue" on <see cref="Day1"/>, made by the test: staged and committed under a lease.</summary>
    private static async Task RestateAsync(EmbeddedSilo silo, DateTimeOffset now)
    {
        var day = silo.Grains.GetMetricDayGrain(new MetricDayId(Project, "revenue", Day1));
        var load = Guid.NewGuid();
        await day.StageLoad(load, [new UnitRow("user_id", "u1", 5, null, null)]);
        var fence = await FenceAsync(silo, now);
        Assert.Equal(LoadOutcome.Restated, await day.CommitLoad(new LoadCommit(
            load, 1, new LoadFingerprint(1, 5, 0, 0), false, now, true, "import:daily", fence)));
    }

    /// <summary>Nothing more is announced: no event within a moment.</summary>
    private static async Task AssertNoMoreEventsAsync(ReadinessWatch watch)
    {
        await Task.Delay(200);
        Assert.False(watch.Events.TryRead(out _));
    }

    private async Task<ImportRunState> RunAsync(string importId = "daily", PacificDay? from = null, PacificDay? to = null)
    {
        var started = await Imports.Run(importId, (from ?? Day1).ToString(), (to ?? Day2).ToString());
        Assert.Null(started.Refusal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var run = (await Imports.GetRun(importId, started.Value!.RunId)).Value!;
            if (run.Ended)
                return run;
            Assert.True(DateTime.UtcNow < deadline, $"run {run.RunId} did not end: {run}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task ARunLoadsEveryMetricDayOfItsWindow()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u1", "revenue", "2026-03-10", 5);
        _source.Add("u2", "revenue", "2026-03-10", 1);
        _source.Add("u1", "revenue", "2026-03-11", 7);
        _source.Add("u1", "ctr", "2026-03-11", null, 3, 4);
        _source.Add("u9", "revenue", "2026-03-12", 100); // outside the window
        Assert.Null((await Imports.Create(Definition())).Refusal);

        var run = await RunAsync();

        Assert.Equal(ImportRunStatus.Succeeded, run.Status);
        Assert.Equal((5L, 5L, 0L, 3, 0, 0), (run.RowsRead, run.RowsApplied, run.RowsRejected, run.DaysLoaded, run.DaysUnchanged, run.DaysRestated));
        var day1 = (await MetricDay("revenue", Day1).View(false))!;
        Assert.Equal((2L, 3L, 16.0, 8.0), (day1.Overall.UnitCount, day1.Overall.RowCount, day1.Overall.Sum, day1.Overall.Mean));
        var ctr = (await MetricDay("ctr", Day2).View(false))!;
        Assert.True(ctr.IsRatio);
        Assert.Equal(0.75, ctr.Overall.Ratio);
        Assert.Null(await MetricDay("revenue", PacificDay.Parse("2026-03-12")).View(false));
        Assert.Equal([Day1.Date, Day2.Date], (await Readiness.Get()).OpenDates);
    }

    [Fact]
    public async Task ARunOfOneDayReadsItWhileFingerprintingAndStopsTheReadWhenNothingChanged()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u2", "revenue", "2026-03-10", 5);
        _source.Add("u1", "revenue", "2026-03-11", 7);
        await Imports.Create(Definition());

        var first = await RunAsync(from: Day1, to: Day1);
        Assert.Equal((2L, 2L, 1, 0), (first.RowsRead, first.RowsApplied, first.DaysLoaded, first.DaysUnchanged));
        Assert.Equal(15.0, (await MetricDay("revenue", Day1).View(false))!.Overall.Sum);
        Assert.Null(await MetricDay("revenue", Day2).View(false));

        // Unchanged: its read, begun beside the fingerprints, is stopped, and nothing of it is counted or applied.
        var unchanged = await RunAsync(from: Day1, to: Day1);
        Assert.Equal((ImportRunStatus.Succeeded, 0L, 0L, 0, 1), (unchanged.Status, unchanged.RowsRead, unchanged.RowsApplied, unchanged.DaysLoaded, unchanged.DaysUnchanged));
        Assert.Equal((2, 2), (_source.ReadsBegun, _source.ReadsEnded));

        // A run of more days reads only the days with a change.
        var twoDays = await RunAsync();
        Assert.Equal((1L, 1, 1), (twoDays.RowsRead, twoDays.DaysLoaded, twoDays.DaysUnchanged));
        Assert.Equal((3, 3), (_source.ReadsBegun, _source.ReadsEnded));
        Assert.Equal(15.0, (await MetricDay("revenue", Day1).View(false))!.Overall.Sum);
    }

    [Fact]
    public async Task AChangedOpenDayIsReplacedAndAnUnchangedOneLeft()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u1", "revenue", "2026-03-11", 7);
        await Imports.Create(Definition());
        await RunAsync();

        _source.Rows[0] = _source.Rows[0] with { MetricValue = 12 };
        var run = await RunAsync();

        Assert.Equal((1, 1, 0), (run.DaysLoaded, run.DaysUnchanged, run.DaysRestated));
        var day1 = (await MetricDay("revenue", Day1).View(false))!;
        Assert.Equal((1L, 12.0), (day1.Overall.RowCount, day1.Overall.Sum)); // replaced, not 10 + 12
        Assert.Equal(7.0, (await MetricDay("revenue", Day2).View(false))!.Overall.Sum);
    }

    [Fact]
    public async Task ASealedDayIsRestatedOnlyPastTheThresholdAndKeepsItsEarlierVersion()
    {
        for (var i = 0; i < 100; i++)
            _source.Add($"u{i}", "revenue", "2026-03-10", 1);
        await Imports.Create(Definition(threshold: 0.05));
        await RunAsync();
        await Readiness.MarkDataReady(Day1.EndUnixSeconds);
        Assert.Equal(1, (await MetricDay("revenue", Day1).Export(0, 1000)).Version);
        var feed = _silo.Services.GetRequiredService<IReadinessFeed>();
        using var watch = await feed.WatchAsync(Project);

        _source.Add("u100", "revenue", "2026-03-10", 1); // +1 %: under the threshold
        var small = await RunAsync();
        Assert.Equal((0, 1, 0), (small.DaysLoaded, small.DaysUnchanged, small.DaysRestated));
        Assert.Equal(100.0, (await MetricDay("revenue", Day1).View(false))!.Overall.Sum);

        for (var i = 101; i < 110; i++)
            _source.Add($"u{i}", "revenue", "2026-03-10", 1); // +10 %
        var large = await RunAsync();
        Assert.Equal(1, large.DaysRestated);

        var view = (await MetricDay("revenue", Day1).View(false))!;
        Assert.True(view.Finalized);
        Assert.Equal((2, 110.0), (view.Version, view.Overall.Sum));
        Assert.NotNull(view.RestatedAt);
        var versions = await MetricDay("revenue", Day1).Versions();
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal([100.0, 110.0], versions.Select(v => v.Overall.Sum));
        Assert.Equal("seal", versions[0].Cause);
        Assert.StartsWith("import:daily", versions[1].Cause);
        var announced = await watch.Events.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal((2, "revenue", Day1.Date), (announced.RestatedVersion, announced.MetricName, announced.Date));
        var export = await MetricDay("revenue", Day1).Export(0, 1000);
        Assert.Equal((110, 2), (export.Units.Length, export.Version)); // a page says the version it was read from
    }

    [Fact]
    public async Task TwoRunsThatComparedBeforeEitherSwappedInRestateASealedDayOnce()
    {
        _source.Add("u1", "revenue", "2026-03-10", 1);
        await Imports.Create(Definition());
        await RunAsync();
        await Readiness.MarkDataReady(Day1.EndUnixSeconds);
        var day = MetricDay("revenue", Day1);
        Assert.True((await day.View(false))!.Finalized);
        // Both runs read the source as it is now and decided to restate; each staged the same rows.
        var fingerprint = new LoadFingerprint(2, 5, 0, 0);
        UnitRow[] rows = [new("user_id", "u1", 2, null, null), new("user_id", "u2", 3, null, null)];
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await day.StageLoad(first, rows);
        await day.StageLoad(second, rows);

        var fence = await FenceAsync(_silo, DateTimeOffset.UtcNow);
        LoadCommit Commit(Guid load) => new(load, rows.Length, fingerprint, false, DateTimeOffset.UtcNow, Restate: true, "import:daily", fence);
        var outcomes = new[] { await day.CommitLoad(Commit(first)), await day.CommitLoad(Commit(second)) };

        Assert.Equal([LoadOutcome.Restated, LoadOutcome.Sealed], outcomes);
        Assert.Equal([1, 2], (await day.Versions()).Select(v => v.Version));
        Assert.Equal((2, 5.0), ((await day.View(false))!.Version, (await day.View(false))!.Overall.Sum));
    }

    [Fact]
    public async Task ALoadAdmittedToAnOpenDayAndSealedBeforeItsSwapIsKeptForARestatement()
    {
        _source.Add("u1", "revenue", "2026-03-10", 1);
        await Imports.Create(Definition());
        await RunAsync();
        var day = MetricDay("revenue", Day1);
        UnitRow[] rows = [new("user_id", "u1", 2, null, null), new("user_id", "u2", 3, null, null)];
        var load = Guid.NewGuid();
        await day.StageLoad(load, rows);
        await Readiness.MarkDataReady(Day1.EndUnixSeconds); // the run's write lease lost, the day sealed before its swap

        var fence = await FenceAsync(_silo, DateTimeOffset.UtcNow);
        LoadCommit Commit(bool restate) => new(load, rows.Length, new LoadFingerprint(2, 5, 0, 0), false, DateTimeOffset.UtcNow, restate, "import:daily", fence);

        Assert.Equal(LoadOutcome.Sealed, await day.CommitLoad(Commit(restate: false)));
        Assert.Equal(1.0, (await day.View(false))!.Overall.Sum);
        Assert.Equal(LoadOutcome.Restated, await day.CommitLoad(Commit(restate: true)));
        Assert.Equal([1.0, 5.0], (await day.Versions()).Select(v => v.Overall.Sum));
    }

    [Fact]
    public async Task ARestatementSwappedInByARunThatDiedBeforeAnnouncingItIsAnnouncedByTheNextMarkDataReady()
    {
        using var watch = await LoadSealAndWatchAsync();

        // The run's steps up to its swap, and no further: its node died before it announced the restatement.
        await Readiness.ExpectRestatement("revenue", Day1.Date, 1);
        await RestateAsync(_silo, DateTimeOffset.UtcNow);
        Assert.False(watch.Events.TryRead(out _));

        await Readiness.MarkDataReady(Day1.EndUnixSeconds); // nothing new to seal: it announces what is left

        var announced = await watch.Events.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal((2, "revenue", Day1.Date), (announced.RestatedVersion, announced.MetricName, announced.Date));
        await Readiness.MarkDataReady(Day1.EndUnixSeconds);
        await AssertNoMoreEventsAsync(watch); // announced once
    }

    [Fact]
    public async Task ARestatementExpectedByTwoRunsIsAnnouncedByTheOneThatSwapsItInThoughTheOtherGaveUpFirst()
    {
        using var watch = await LoadSealAndWatchAsync();

        // Two activations' runs expect a restatement of the day at version 1; the first one's swap is refused (its lease lost).
        await Readiness.ExpectRestatement("revenue", Day1.Date, 1);
        await Readiness.ExpectRestatement("revenue", Day1.Date, 1);
        await Readiness.AnnounceRestatement("revenue", Day1.Date, 1);
        await RestateAsync(_silo, DateTimeOffset.UtcNow);
        Assert.False(watch.Events.TryRead(out _));
        await Readiness.AnnounceRestatement("revenue", Day1.Date, 1);

        var announced = await watch.Events.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal((2, "revenue"), (announced.RestatedVersion, announced.MetricName));
        await Readiness.MarkDataReady(Day1.EndUnixSeconds);
        await AssertNoMoreEventsAsync(watch); // announced once: no longer expected
    }

    [Fact]
    public async Task ARestatementExpectedButNeverSwappedInIsNotAnnouncedAndNoLongerExpectedAfterAnHour()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-03-12T10:00:00-07:00"));
        await using var silo = await EmbeddedSilo.StartAsync(clock, _projects);
        var readiness = silo.Grains.GetReadinessGrain(Project);
        await readiness.MarkDataReady(Day1.EndUnixSeconds);
        using var watch = await silo.Services.GetRequiredService<IReadinessFeed>().WatchAsync(Project);
        await readiness.ExpectRestatement("revenue", Day1.Date, 0); // its run died before the swap

        clock.Now += ReadinessGrain.RestatementExpiry - TimeSpan.FromMinutes(1);
        await readiness.MarkDataReady(Day1.EndUnixSeconds);
        clock.Now += TimeSpan.FromMinutes(2);
        await readiness.MarkDataReady(Day1.EndUnixSeconds); // dropped now, unannounced

        // Had it been kept, this swap, made without expecting a restatement, would be announced by the next call.
        await silo.Services.GetRequiredService<IImportStore>().AddImportAsync(Project, Definition());
        await RestateAsync(silo, clock.Now);
        await readiness.MarkDataReady(Day1.EndUnixSeconds);
        await AssertNoMoreEventsAsync(watch);
    }

    [Fact]
    public async Task AMetricTheSourceNoLongerHasOnADayIsEmptiedThereAndASealedDayRestatedToNoRows()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u1", "revenue", "2026-03-11", 7);
        _source.Add("u1", "ctr", "2026-03-11", null, 3, 4);
        await Imports.Create(Definition());
        await RunAsync();
        await Readiness.MarkDataReady(Day1.EndUnixSeconds);
        using var watch = await _silo.Services.GetRequiredService<IReadinessFeed>().WatchAsync(Project);

        _source.Rows.RemoveAll(r => r.MetricName == "revenue"); // gone from both days, the whole of the sealed one
        var run = await RunAsync();

        Assert.Equal((ImportRunStatus.Succeeded, 1, 1, 1), (run.Status, run.DaysLoaded, run.DaysUnchanged, run.DaysRestated));
        Assert.Null(await MetricDay("revenue", Day2).View(false)); // open: its load replaced by none, not kept
        Assert.Equal([(1, 1L), (2, 0L)], (await MetricDay("revenue", Day1).Versions()).Select(v => (v.Version, v.Overall.RowCount)));
        var announced = await watch.Events.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal((2, "revenue", Day1.Date), (announced.RestatedVersion, announced.MetricName, announced.Date));
        Assert.Equal(0.75, (await MetricDay("ctr", Day2).View(false))!.Overall.Ratio);

        var again = await RunAsync();
        Assert.Equal((0, 1, 0), (again.DaysLoaded, again.DaysUnchanged, again.DaysRestated)); // emptied once, then left
    }

    [Fact]
    public async Task ASourceWithNoRowAtAllInTheWindowEmptiesNothing()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u1", "revenue", "2026-03-11", 7);
        await Imports.Create(Definition());
        await RunAsync();

        _source.Rows.Clear(); // a query or table broken, more likely than every row deleted
        var run = await RunAsync();

        Assert.Equal((ImportRunStatus.Succeeded, 0, 0), (run.Status, run.DaysLoaded, run.DaysUnchanged));
        Assert.Equal(10.0, (await MetricDay("revenue", Day1).View(false))!.Overall.Sum);
        Assert.Equal(7.0, (await MetricDay("revenue", Day2).View(false))!.Overall.Sum);
    }

    [Fact]
    public async Task AMetricDayWhoseEveryRowTurnsInvalidKeepsItsEarlierLoadOpenOrSealed()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u1", "revenue", "2026-03-11", 7);
        await Imports.Create(Definition(maxRejected: 5));
        await RunAsync();
        await Readiness.MarkDataReady(Day1.EndUnixSeconds);

        for (var i = 0; i < _source.Rows.Count; i++)
            _source.Rows[i] = _source.Rows[i] with { IdType = "userID", MetricValue = 20 };
        var run = await RunAsync();

        Assert.Equal((ImportRunStatus.Succeeded, 2L, 0L), (run.Status, run.RowsRejected, run.RowsApplied));
        Assert.Equal((0, 2, 0), (run.DaysLoaded, run.DaysUnchanged, run.DaysRestated)); // left as they were
        Assert.Equal(7.0, (await MetricDay("revenue", Day2).View(false))!.Overall.Sum);
        Assert.Equal([10.0], (await MetricDay("revenue", Day1).Versions()).Select(v => v.Overall.Sum)); // no empty version
    }

    [Fact]
    public async Task ADayOverMaxRejectedRowsIsReportedWithItsOwnBadRows()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u2", "revenue", "2026-03-10", 1, idType: "userID"); // within the limit on its day
        _source.Add("u1", "revenue", "2026-03-11", 10);
        _source.Add("", "revenue", "2026-03-11", 1);
        _source.Add("", "revenue", "2026-03-11", 2);
        await Imports.Create(Definition(maxRejected: 1));

        var run = await RunAsync();

        Assert.Equal(ImportRunStatus.Failed, run.Status);
        Assert.StartsWith("2026-03-11: 2 invalid row(s)", run.Message);
        Assert.Contains("First: row 2 unit_id", run.Message);
        Assert.Contains("row 3 unit_id", run.Message);
        Assert.DoesNotContain("id_type", run.Message); // the other day's row
    }

    [Fact]
    public async Task ADayReadMetricByMetricForLongerThanTheStagingExpiryKeepsItsFirstMetricsRows()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-03-12T10:00:00-07:00"));
        var rows = new ListSource();
        for (var i = 0; i < 10_000; i++)
            rows.Add($"u{i}", "first", "2026-03-10", 1);
        for (var i = 0; i < 100_000; i++)
            rows.Add($"u{i}", "second", "2026-03-10", 1);
        // A minute passes every 2,500 rows read: "first" is staged in the first chunk, the day read for 44 minutes.
        var projects = new ListSourceProjects();
        projects.Sources["warehouse"] = new SlowSource(rows, clock, 2_500);
        await using var silo = await EmbeddedSilo.StartAsync(clock, projects);
        var imports = silo.Grains.GetGrain<IImportsGrain>(Project);
        await imports.Create(Definition());

        async Task<ImportRunState> RunToEndAsync()
        {
            var started = (await imports.Run("daily", Day1.ToString(), Day1.ToString())).Value!;
            var deadline = DateTime.UtcNow.AddMinutes(1);
            ImportRunState run;
            while (!(run = (await imports.GetRun("daily", started.RunId)).Value!).Ended && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            return run;
        }
        var first = silo.Grains.GetMetricDayGrain(new MetricDayId(Project, "first", Day1));

        var loaded = await RunToEndAsync();
        Assert.True(clock.Now - DateTimeOffset.Parse("2026-03-12T10:00:00-07:00") > MetricDayGrain.StagingExpiry * 2);
        Assert.Equal((ImportRunStatus.Succeeded, 2, 110_000L), (loaded.Status, loaded.DaysLoaded, loaded.RowsApplied));
        Assert.Equal(10_000, (await first.View(false))!.Overall.Sum);

        // Again with "first" changed and "second" not: the rows of "second", read for 40 minutes, make no chunk.
        for (var i = 0; i < 10_000; i++)
            rows.Rows[i] = rows.Rows[i] with { MetricValue = 2 };
        var reloaded = await RunToEndAsync();
        Assert.Equal((ImportRunStatus.Succeeded, 1, 1, 10_000L), (reloaded.Status, reloaded.DaysLoaded, reloaded.DaysUnchanged, reloaded.RowsApplied));
        Assert.Equal(20_000, (await first.View(false))!.Overall.Sum);
    }

    /// <summary>A source whose reading takes time: the clock moves on a minute every so many rows read.</summary>
    private sealed class SlowSource(ListSource rows, ManualClock clock, int rowsPerMinute) : IImportSource
    {
        public Task<IReadOnlyList<DayFingerprint>> FingerprintAsync(string query, PacificDay from, PacificDay to, CancellationToken cancellationToken) =>
            rows.FingerprintAsync(query, from, to, cancellationToken);

        public async IAsyncEnumerable<SourceRow> ReadAsync(
            string query, PacificDay from, PacificDay to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var read = 0;
            await foreach (var row in rows.ReadAsync(query, from, to, cancellationToken))
            {
                if (++read % rowsPerMinute == 0)
                    clock.Now += TimeSpan.FromMinutes(1);
                yield return row;
            }
        }

        public Task<PacificDay?> FinishedDateAsync(string signalQuery, CancellationToken cancellationToken) =>
            rows.FinishedDateAsync(signalQuery, cancellationToken);
    }

    [Fact]
    public async Task AnImportOwnsItsMetricsUntilItIsDeleted()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        await Imports.Create(Definition());
        await RunAsync();
        var ingestor = _silo.Services.GetRequiredService<MetricIngestor>();
        var request = new IngestRequest(Project, new ProjectIdTypes(ProjectIdTypes.Defaults), false, "",
            [new IncomingRecord("u2", "user_id", "revenue", 1, null, null, "2026-03-10")]);

        var refused = Assert.IsType<IngestOutcome.Invalid>(await ingestor.IngestAsync(request));
        Assert.Contains("import \"daily\"", Assert.Single(refused.Violations).Description);
        Assert.Equal("metrics[0].metric_name", refused.Violations[0].Path);

        await Imports.Create(Definition("other"));
        var other = await RunAsync("other");
        Assert.Equal(ImportRunStatus.Failed, other.Status);
        Assert.Contains("owned by import \"daily\"", other.Message);

        Assert.True((await Imports.Delete("daily")).Value);
        Assert.IsType<IngestOutcome.Applied>(await ingestor.IngestAsync(request));
        Assert.Equal(11.0, (await MetricDay("revenue", Day1).View(false))!.Overall.Sum); // the loaded data stays
    }

    [Fact]
    public async Task InvalidRowsAreSkippedUpToTheLimitAndBeyondItTheDayIsNotLoaded()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u2", "revenue", "2026-03-10", 1, idType: "userID");
        _source.Add("", "revenue", "2026-03-10", 1);
        await Imports.Create(Definition("strict"));
        await Imports.Create(Definition("lenient", maxRejected: 2));

        var strict = await RunAsync("strict");
        Assert.Equal(ImportRunStatus.Failed, strict.Status);
        Assert.Contains("max_rejected_rows", strict.Message);
        Assert.Contains("row 2 id_type", strict.Message);
        Assert.Null(await MetricDay("revenue", Day1).View(false));

        await Imports.Delete("strict");
        var lenient = await RunAsync("lenient");
        Assert.Equal(ImportRunStatus.Succeeded, lenient.Status);
        Assert.Equal((2L, 1L), (lenient.RowsRejected, lenient.RowsApplied));
        Assert.Equal([(2L, "id_type"), (3L, "unit_id")], lenient.Errors.Select(e => (e.Row, e.Column)));
        Assert.Equal(10.0, (await MetricDay("revenue", Day1).View(false))!.Overall.Sum);
    }

    [Fact]
    public async Task ADayLoadedFromAFingerprintWithANaNSumIsReloadedWhenTheSumTurnsFinite()
    {
        // This source sums every value, NaN included, as the sources' SQL did: the day is loaded with a NaN value sum.
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u2", "revenue", "2026-03-10", double.NaN);
        await Imports.Create(Definition(maxRejected: 1));
        var first = await RunAsync();
        Assert.Equal((1, 1L), (first.DaysLoaded, first.RowsRejected));
        Assert.Equal(0, (await RunAsync()).DaysLoaded); // NaN and NaN: the same figure

        _source.Rows[1] = _source.Rows[1] with { MetricValue = 5 };
        var run = await RunAsync();

        Assert.Equal((1, 0, 0L), (run.DaysLoaded, run.DaysUnchanged, run.RowsRejected));
        Assert.Equal(15.0, (await MetricDay("revenue", Day1).View(false))!.Overall.Sum);
    }

    [Fact]
    public async Task ARowWhoseIsTestDiffersFromTheImportsIsRejectedNamingTheColumn()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Rows.Add(new SourceRow(2, "u2", "user_id", "2026-03-10", "revenue", 5, null, null, IsTest: true));
        await Imports.Create(Definition(maxRejected: 1));

        var run = await RunAsync();

        Assert.Equal((ImportRunStatus.Succeeded, 1L, 1L), (run.Status, run.RowsApplied, run.RowsRejected));
        Assert.Equal((2L, "is_test"), (Assert.Single(run.Errors).Row, run.Errors[0].Column));
        Assert.Equal(10.0, (await MetricDay("revenue", Day1).View(includeTest: true))!.Overall.Sum);
    }

    [Fact]
    public async Task TheSignalQuerySealsTheDaysUpToItsFinishedDate()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u1", "revenue", "2026-03-11", 10);
        _source.FinishedDate = Day1;
        await Imports.Create(Definition(signal: "select finished_date from statsig_user_metrics_signal"));

        var run = await RunAsync();

        Assert.Equal(ImportRunStatus.Succeeded, run.Status);
        var readiness = await Readiness.Get();
        Assert.Equal(Day1.EndUnixSeconds, readiness.Watermark);
        Assert.Equal([Day2.Date], readiness.OpenDates);
        Assert.True((await MetricDay("revenue", Day1).View(false))!.Finalized);
    }

    [Fact]
    public async Task AScheduleRunsOncePerTickFromItsFirstTickAfterCreation()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-03-12T06:00:00-07:00"));
        var projects = new ListSourceProjects();
        var source = new ListSource();
        source.Add("u1", "revenue", "2026-03-11", 10);
        projects.Sources["warehouse"] = source;
        await using var silo = await EmbeddedSilo.StartAsync(clock, projects);
        var imports = silo.Grains.GetGrain<IImportsGrain>(Project);
        await imports.Create(Definition() with { Schedule = "daily@06:30", LookbackDays = 3 });

        async Task<ImportRunState[]> RunsAfterCheckAt(string now)
        {
            clock.Now = DateTimeOffset.Parse(now);
            await imports.CheckSchedules();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await imports.Runs("daily")).Value!.Any(r => !r.Ended) && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            return (await imports.Runs("daily")).Value!;
        }

        Assert.Empty(await RunsAfterCheckAt("2026-03-12T06:29:59-07:00")); // yesterday's tick came before the import
        var first = Assert.Single(await RunsAfterCheckAt("2026-03-12T06:30:00-07:00"));
        Assert.Equal((ImportRunState.Scheduled, "2026-03-09", "2026-03-11"), (first.Trigger, first.FromDate, first.ToDate));
        Assert.Equal(DateTimeOffset.Parse("2026-03-12T06:30:00-07:00"), first.ScheduledFor);
        Assert.Equal(ImportRunStatus.Succeeded, first.Status);
        Assert.Single(await RunsAfterCheckAt("2026-03-12T23:59:00-07:00"));
        var next = await RunsAfterCheckAt("2026-03-13T06:31:00-07:00");
        Assert.Equal(2, next.Length);
        Assert.Equal(DateTimeOffset.Parse("2026-03-13T06:30:00-07:00"), next[0].ScheduledFor);
    }

    [Fact]
    public async Task ASecondRunWhileOneIsUnderWayIsRefusedNamingIt()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Gate = new TaskCompletionSource();
        await Imports.Create(Definition());
        var first = (await Imports.Run("daily", Day1.ToString(), Day1.ToString())).Value!;

        var second = await Imports.Run("daily", Day1.ToString(), Day1.ToString());

        Assert.Equal(ImportRefusal.Busy, second.Refusal);
        Assert.Contains(first.RunId, second.Message);
        _source.Gate.SetResult();
    }

    [Fact]
    public async Task AMetricWhoseEveryRowIsRejectedWithinTheLimitLoadsNoRowsAndTheRunSucceeds()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u2", "broken", "2026-03-10", 1, idType: "userID");
        await Imports.Create(Definition(maxRejected: 5));

        var run = await RunAsync();

        Assert.Equal(ImportRunStatus.Succeeded, run.Status);
        Assert.Equal((2L, 1L, 1L), (run.RowsRead, run.RowsApplied, run.RowsRejected));
        Assert.Equal(10, (await MetricDay("revenue", Day1).View(false))!.Overall.Sum);
        Assert.Null(await MetricDay("broken", Day1).View(false));
        Assert.Equal(ImportRunStatus.Succeeded, (await RunAsync()).Status); // and again, unchanged
    }

    [Fact]
    public async Task AStagedLoadSplitByAReactivationOfItsMetricDayIsNotCommitted()
    {
        var day = MetricDay("revenue", Day1);
        var load = Guid.NewGuid();
        await day.StageLoad(load, [new UnitRow("user_id", "u1", 10, null, null)]);
        await _silo.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await day.StageLoad(load, [new UnitRow("user_id", "u2", 5, null, null)]); // a fresh activation: the first chunk is gone
        await _silo.Services.GetRequiredService<IImportStore>().AddImportAsync(Project, Definition());
        var lease = new RunLease("an-activation", "a-run", DateTimeOffset.UtcNow.AddMinutes(1));
        await _silo.Services.GetRequiredService<IImportStore>().AcquireLeaseAsync(Project, "daily", lease, DateTimeOffset.UtcNow);

        var outcome = await day.CommitLoad(new LoadCommit(load, 2, new LoadFingerprint(2, 15, 0, 0), false, DateTimeOffset.UtcNow, false,
            "import:daily", new ImportRunFence("daily", lease.Owner, lease.RunId)));

        Assert.Equal(LoadOutcome.StagingLost, outcome);
        Assert.Null(await day.View(false));
    }

    [Fact]
    public async Task AMetricNewToASealedDayIsSealedByItsLoadAndCatalogedAsTheImports()
    {
        await Readiness.MarkDataReady(Day2.EndUnixSeconds);
        _source.Add("u1", "backfill", "2026-03-10", 10);
        await Imports.Create(Definition());

        var run = await RunAsync();

        Assert.Equal((ImportRunStatus.Succeeded, 1), (run.Status, run.DaysRestated));
        var view = (await MetricDay("backfill", Day1).View(false))!;
        Assert.Equal((true, 1, 10.0), (view.Finalized, view.Version, view.Overall.Sum));
        Assert.Equal("daily", (await Readiness.DescribeMetric("backfill"))?.Owner);
        Assert.Equal([new MetricOwner("backfill", "daily")], await Readiness.OwnedByOthers("other", ["backfill"]));
    }

    [Fact]
    public async Task RowsThatAreNotTheRowsFingerprintedFailTheDayAndTheNextRunLoadsTheWholeSource()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u2", "revenue", "2026-03-10", 5);
        await Imports.Create(Definition());
        _source.Gate = new TaskCompletionSource();
        var started = (await Imports.Run("daily", Day1.ToString(), Day1.ToString())).Value!;
        while (!(await Imports.GetRun("daily", started.RunId)).Value!.Status.Equals(ImportRunStatus.Running))
            await Task.Delay(20);
        await Task.Delay(200); // fingerprinted: 2 rows, 15; the read waits at the gate
        var removed = _source.Rows[1];
        _source.Rows.RemoveAt(1); // the table is being reloaded: half of it
        _source.Gate.SetResult();
        ImportRunState first;
        while (!(first = (await Imports.GetRun("daily", started.RunId)).Value!).Ended)
            await Task.Delay(20);
        _source.Gate = null;

        Assert.Equal(ImportRunStatus.Failed, first.Status);
        Assert.Contains("the source changed while it was read", first.Message);
        Assert.Null(await MetricDay("revenue", Day1).View(false));

        _source.Rows.Add(removed); // whole again, as fingerprinted
        Assert.Equal(ImportRunStatus.Succeeded, (await RunAsync()).Status);
        Assert.Equal(15, (await MetricDay("revenue", Day1).View(false))!.Overall.Sum);
    }

    [Fact]
    public async Task ANonFiniteRowRejectedWithinTheLimitHidesNoLaterChange()
    {
        _source.Add("u1", "revenue", "2026-03-10", 10);
        _source.Add("u2", "revenue", "2026-03-10", double.NaN);
        await Imports.Create(Definition(maxRejected: 5));
        Assert.Equal(ImportRunStatus.Succeeded, (await RunAsync()).Status);

        _source.Rows[0] = _source.Rows[0] with { MetricValue = 20 };
        var second = await RunAsync();

        Assert.Equal((ImportRunStatus.Succeeded, 1), (second.Status, second.DaysLoaded));
        Assert.Equal(20, (await MetricDay("revenue", Day1).View(false))!.Overall.Sum);
    }

    [Fact]
    public async Task ADaySealedAfterItsCompareIsRestatedOnlyPastTheThreshold()
    {
        _source.Add("u1", "revenue", "2026-03-10", 100);
        await Imports.Create(Definition(threshold: 0.01));
        Assert.Equal(ImportRunStatus.Succeeded, (await RunAsync()).Status);
        _source.Rows[0] = _source.Rows[0] with { MetricValue = 100.5 }; // a change of 0.5 %: loaded while open, not restated once sealed
        _source.Gate = new TaskCompletionSource();
        var started = (await Imports.Run("daily", Day1.ToString(), Day1.ToString())).Value!;
        await Task.Delay(300); // compared while open; the read waits at the gate

        await Readiness.MarkDataReady(Day1.EndUnixSeconds);
        _source.Gate.SetResult();
        ImportRunState run;
        while (!(run = (await Imports.GetRun("daily", started.RunId)).Value!).Ended)
            await Task.Delay(20);

        Assert.Equal((ImportRunStatus.Succeeded, 0, 1), (run.Status, run.DaysRestated, run.DaysUnchanged));
        var view = (await MetricDay("revenue", Day1).View(false))!;
        Assert.Equal((true, 1, 100.0), (view.Finalized, view.Version, view.Overall.Sum));
    }
}
