using Metrics.Domain;
using Metrics.Grains;
using Metrics.Grains.Ingestion;
using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Metrics.Grains.Telemetry;
using Metrics.Imports.Definitions;
using Metrics.Imports.Schema;
using Metrics.Imports.Sources;
using Microsoft.Extensions.Logging;

namespace Metrics.Imports.Runs;

/// <summary>
/// Runs an import over its window, day by day: fingerprints every (metric, day) in the source with one query,
/// compares each with what the day holds (a metric the import loaded before and the source no longer has on a day
/// compared as a load of no rows), and for each day with a change reads its rows, validates them with the
/// rules of <c>LogCustomMetric</c>, stages them in the metric-day grains and swaps them in — on an open day after
/// the readiness grain admits the write, as an ingest request is, and on a sealed day as a restatement when the
/// change exceeds the import's threshold. A run that stops half-way leaves every metric-day as it was or as loaded.
/// Before each swap, and before the signal, it confirms the run's lease, which throws once the run may apply nothing
/// more (its lease lost to another activation); each swap is fenced by the lease too, in the store's own write, so
/// a run stopped between the confirmation and the swap (and woken after another activation took the import over)
/// swaps nothing in.
/// </summary>
internal sealed partial class ImportRunner(
    IGrainFactory grains, IImportProjects projects, ILogstreamWriter logstream, ProductMeters meters, TimeProvider clock, ILogger<ImportRunner> logger)
{
    /// <summary>Rows validated and staged at once: the most one ingest request may carry.</summary>
    private const int ChunkRows = RecordValidator.MaxRecords;

    /// <summary>Invalid rows a day's <c>max_rejected_rows</c> failure names.</summary>
    private const int FirstErrorsNamed = 3;

    /// <summary>Rows read from the source ahead of the chunk being staged.</summary>
    private const int ReadAhead = 2 * ChunkRows;

    /// <summary>
    /// Rows of a one-day run read ahead while the source computes the day's fingerprints (about 30 MB of rows at most):
    /// the node has nothing else to do meanwhile.
    /// </summary>
    private const int FingerprintReadAhead = 300_000;

    /// <summary>The fingerprint of a metric the source has no rows of on a day.</summary>
    private static readonly LoadFingerprint NoRows = new(0, 0, 0, 0);

    /// <summary>How often an admitted day's write lease is renewed while its swaps go on (the readiness grain expires it after 30 s).</summary>
    private static readonly TimeSpan WriteRenewal = TimeSpan.FromSeconds(10);

    /// <summary>A staged load no chunk came to for this long is touched, so that the metric-day grain keeps it while the day is read.</summary>
    private static readonly TimeSpan StagingKeepAlive = TimeSpan.FromMinutes(1);

    /// <summary>Rows read between two looks for staged loads to keep alive (<see cref="StagingKeepAlive"/>).</summary>
    private const int KeepAliveEveryRows = 4096;

    /// <summary>Metric-days whose content a day's comparison reads at the same time.</summary>
    private const int ConcurrentReads = 32;

    /// <summary>Metric-days of a day that swap their loads in at the same time.</summary>
    private const int ConcurrentSwaps = 4;

    public async Task RunAsync(
        string project, ImportDefinition import, PacificDay from, PacificDay to, RunProgress progress, LeasedRun run, CancellationToken cancellationToken)
    {
        var source = projects.Source(project, import.Source)
            ?? throw new ImportRunFailed($"source \"{import.Source}\" is no longer configured for the project");
        // A run of one day (lookback_days 1, or one day named) reads the day while the source computes its fingerprints,
        // and stops the read if the day has nothing to load; a run of more days reads a day once it is known to have a change.
        await using var oneDay = from == to ? DayRows.Start(source, import.Query, from, FingerprintReadAhead, cancellationToken) : null;
        var fingerprints = await SourceCall(() => source.FingerprintAsync(import.Query, from, to, cancellationToken));
        var readiness = grains.GetReadinessGrain(project);
        var owned = await readiness.OwnedByOthers(import.ImportId, fingerprints.Select(f => f.MetricName).Distinct(StringComparer.Ordinal).ToArray());
        if (owned.Length > 0)
            throw Owned(owned);
        // A query that ignores {{start_date}}..{{end_date}}: only the run's window is loaded.
        var byDay = fingerprints
            .Select(f => (Fingerprint: f, Parsed: PacificDay.TryParse(f.Date, out var date), Date: date))
            .Where(f => f.Parsed && f.Date >= from && f.Date <= to)
            .ToLookup(f => f.Date, f => f.Fingerprint);
        // What the import loaded before: a metric the source no longer has on a day (between the first and last days the
        // catalog knows of it) is compared as an empty load. Not when the source has no row at all in the window: a
        // query or table broken that way would empty every day.
        var loadedBefore = byDay.Count == 0 ? [] : await readiness.OwnedBy(import.ImportId);
        for (var day = from; day <= to; day = day.Next)
        {
            var dayFingerprints = byDay[day].ToList();
            var gone = loadedBefore
                .Where(m => m.FirstDate <= day.Date && day.Date <= m.LastDate)
                .Select(m => m.MetricName)
                .Except(dayFingerprints.Select(f => f.MetricName), StringComparer.Ordinal)
                .ToArray();
            if (dayFingerprints.Count == 0 && gone.Length == 0)
                continue;
            await LoadDayAsync(project, import, source, oneDay, readiness, day, dayFingerprints, gone, progress, run, cancellationToken);
            progress.Changed();
        }
        if (oneDay is not null)
            await oneDay.DisposeAsync();
        if (import.SignalQuery.Length > 0)
            await SignalAsync(import, source, readiness, run, cancellationToken);
    }

    /// <param name="readAhead">The day's rows, if their read has started.</param>
    private async Task LoadDayAsync(
        string project, ImportDefinition import, IImportSource source, DayRows? readAhead, IReadinessGrain readiness, PacificDay day,
        IReadOnlyList<DayFingerprint> fingerprints, string[] gone, RunProgress progress, LeasedRun run, CancellationToken cancellationToken)
    {
        var daySealed = Watermark.Seals((await readiness.Get()).Watermark, day);
        var candidates = fingerprints
            .Select(f => (Metric: f.MetricName, Fingerprint: new LoadFingerprint(f.Rows, f.ValueSum, f.NumeratorSum, f.DenominatorSum), Gone: false))
            .Concat(gone.Select(metric => (Metric: metric, Fingerprint: NoRows, Gone: true)))
            .ToArray();
        var contents = new MetricDayContent[candidates.Length];
        // A few at a time: a day may have thousands of metrics, each a metric-day to activate.
        await AtMostAsync(ConcurrentReads, candidates.Select((c, i) => (Func<Task>)(async () =>
            contents[i] = await MetricDay(project, c.Metric, day).Content())));
        var wanted = new Dictionary<string, StagedMetric>(StringComparer.Ordinal);
        foreach (var ((metric, loaded, isGone), content) in candidates.Zip(contents))
        {
            var loadedHere = content.LoadedBy == import.ImportId ? content.Loaded : null;
            // A metric the source lacks on this day is emptied only where this import loaded rows of it.
            if (isGone && loadedHere is not { Rows: > 0 })
                continue;
            var before = loadedHere ?? (import.IsTest ? content.HeldTest : content.HeldProduction);
            var change = loaded.ChangeFrom(before);
            var load = daySealed || content.Sealed
                ? !import.IsTest && change > import.RestateThreshold
                : change > 0;
            if (load)
                wanted[metric] = new StagedMetric(loaded, change);
            else
                progress.DaysUnchanged++;
        }
        if (wanted.Count == 0)
            return;

        var staged = await StageAsync(project, import, source, readAhead, day, wanted, progress, cancellationToken);
        if (staged.Count == 0)
            return;
        try
        {
            await run.ConfirmAsync();
            await CommitAsync(project, import, readiness, day, staged, progress, run);
        }
        finally
        {
            // Whatever was not committed is dropped: a failed day leaves the grains as they were.
            await Task.WhenAll(staged.Where(s => !s.Value.Committed).Select(s => MetricDay(project, s.Key, day).DiscardLoad(s.Value.LoadId)));
        }
    }

    /// <summary>
    /// A metric of the day to load: its source's fingerprint and how far it is from what the day holds
    /// (<see cref="Change"/>), the rows read of it (<see cref="Read"/>, to check against the fingerprint) and staged.
    /// </summary>
    private sealed class StagedMetric(LoadFingerprint fingerprint, double change)
    {
        public Guid LoadId { get; } = Guid.NewGuid();
        public LoadFingerprint Fingerprint { get; } = fingerprint;
        public double Change { get; } = change;
        public DayFingerprintTally Read { get; } = new();
        public long Rows;
        public DateTimeOffset StagedAt;
        public CatalogEntry? Catalog;
        public bool Committed;
    }

    /// <summary>Reads the day's rows, validates them in chunks, and stages the valid rows of the metrics to load.</summary>
    private async Task<Dictionary<string, StagedMetric>> StageAsync(
        string project, ImportDefinition import, IImportSource source, DayRows? readAhead, PacificDay day, Dictionary<string, StagedMetric> staged,
        RunProgress progress, CancellationToken cancellationToken)
    {
        var validator = new RecordValidator(projects.IdTypes(project));
        var dayText = day.ToString();
        var chunk = new List<SourceRow>(ChunkRows);
        // A chunk's records and its valid records are large arrays: kept from chunk to chunk rather than left, one
        // each per chunk, to the large object heap (collected only with the whole heap).
        var records = new List<IncomingRecord>(ChunkRows);
        var validRecords = new ValidRecord[ChunkRows];
        long rejected = 0;
        var firstErrors = new List<ImportRowError>(FirstErrorsNamed);

        // The chunk before's StageLoad calls.
        var staging = Task.CompletedTask;

        async Task FlushAsync()
        {
            records.Clear();
            foreach (var row in chunk)
                records.Add(ToRecord(row));
            var validation = validator.Validate(records, clock.GetUtcNow(), validRecords);
            var violations = validation.Violations.Concat(OtherKind(chunk, import.IsTest)).OrderBy(v => v.Index).ToList();
            var invalid = violations.Select(v => v.Index).ToHashSet();
            foreach (var violation in violations)
            {
                var error = new ImportRowError(chunk[violation.Index].RowNumber, Column(violation.Field), violation.Description, dayText);
                progress.Error(error);
                if (firstErrors.Count < FirstErrorsNamed)
                    firstErrors.Add(error);
            }
            if (invalid.Count > 0)
            {
                rejected += invalid.Count;
                progress.RowsRejected += invalid.Count;
                meters.ImportRows(project, import.ImportId, "rejected", invalid.Count);
                var refused = records.Where((_, i) => invalid.Contains(i)).ToList();
                var reasons = violations.GroupBy(v => v.Index).ToDictionary(g => g.Key, g => string.Join("; ", g.Select(v => $"{Column(v.Field)}: {v.Description}")));
                var reasonByRefused = invalid.Order().Select(i => $"row {chunk[i].RowNumber}: {reasons[i]}").ToArray();
                await logstream.AppendAsync(LogstreamBatch.Refused(project, import.IsTest, clock.GetUtcNow(), refused, i => reasonByRefused[i])
                    with { Source = LogstreamBatch.ImportSource(import.ImportId) });
            }
            // The valid records of a chunk with invalid ones are validated again alone: Validate keeps no records once any is invalid.
            var valid = invalid.Count == 0
                ? validation.Records
                : validator.Validate(records.Where((_, i) => !invalid.Contains(i)).ToList(), clock.GetUtcNow(), validRecords).Records;
            if (rejected > import.MaxRejectedRows)
                throw new ImportRunFailed(
                    $"{dayText}: {rejected} invalid row(s), more than max_rejected_rows ({import.MaxRejectedRows}); the day was not loaded. First: {string.Join("; ", firstErrors.Select(e => $"row {e.Row} {e.Column}: {e.Reason}"))}");
            var partition = RequestPartition.Of(valid, null, "", import.IsTest, clock.GetUtcNow());
            // Each metric's grain stages its part while the next chunk is read and validated; a grain receives the
            // chunks in order, one after the other.
            await staging;
            staging = Task.WhenAll(partition.Slices.Select(s =>
            {
                var metric = staged[s.MetricDay.MetricName];
                return MetricDay(project, s.MetricDay.MetricName, day).StageLoad(metric.LoadId, s.Slice.Rows, metric.Fingerprint.Rows);
            }));
            var now = clock.GetUtcNow();
            foreach (var (metricDay, slice) in partition.Slices)
            {
                staged[metricDay.MetricName].Rows += slice.Rows.Length;
                staged[metricDay.MetricName].StagedAt = now;
            }
            foreach (var entry in partition.Catalog)
            {
                var metric = staged[entry.MetricName];
                metric.Catalog = metric.Catalog is null ? entry with { Owner = import.ImportId } : metric.Catalog.Merge(entry);
            }
            chunk.Clear();
            progress.Changed();
        }

        if (staged.Values.All(s => s.Fingerprint.Rows == 0))
        {
            if (readAhead is not null)
                await readAhead.DisposeAsync();
            return staged; // only metrics the source no longer has on the day: nothing to read, each swapped for an empty load
        }

        // The source is read ahead on its own, off the grain's thread, while the rows before are validated and staged.
        await using var rows = readAhead ?? DayRows.Start(source, import.Query, day, ReadAhead, cancellationToken);
        try
        {
            await foreach (var batch in rows.Batches.ReadAllAsync(cancellationToken))
            {
                foreach (var row in batch)
                {
                    // Rows of metrics left unchanged may come for long between two chunks: the staged loads are kept meanwhile.
                    if (++progress.RowsRead % KeepAliveEveryRows == 0)
                        await KeepStagedAsync(project, day, staged, clock.GetUtcNow());
                    if (row.Date != dayText || !staged.TryGetValue(row.MetricName, out var metric))
                        continue; // another day's row, or a metric left unchanged
                    metric.Read.Add(row);
                    chunk.Add(row);
                    if (chunk.Count == ChunkRows)
                        await FlushAsync();
                }
            }
            if (chunk.Count > 0)
                await FlushAsync();
            await staging;
            CheckReadAsFingerprinted(day, staged);
            // A metric-day none of whose rows was valid keeps what it holds: its rows are reported, and an empty load
            // would erase it (or, on a sealed day, publish an empty version).
            foreach (var metric in staged.Where(s => s.Value.Rows == 0 && s.Value.Fingerprint.Rows > 0).Select(s => s.Key).ToList())
            {
                staged.Remove(metric);
                progress.DaysUnchanged++;
            }
        }
        catch (SourceException e)
        {
            await staging.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            await DiscardAsync(project, day, staged);
            throw new ImportRunFailed(e.Message);
        }
        catch
        {
            await rows.DisposeAsync();
            await staging.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            await DiscardAsync(project, day, staged);
            throw;
        }
        return staged;
    }

    /// <summary>
    /// Touches the staged loads no chunk came to for <see cref="StagingKeepAlive"/>: a day whose rows come metric by
    /// metric reads the last ones long after the first ones' last chunk, and the metric-day grain drops a load left alone.
    /// </summary>
    private async Task KeepStagedAsync(string project, PacificDay day, Dictionary<string, StagedMetric> staged, DateTimeOffset now)
    {
        var idle = staged.Where(s => s.Value.Rows > 0 && now - s.Value.StagedAt >= StagingKeepAlive).ToList();
        foreach (var (_, load) in idle)
            load.StagedAt = now;
        await Task.WhenAll(idle.Select(s => MetricDay(project, s.Key, day).StageLoad(s.Value.LoadId, [])));
    }

    /// <summary>
    /// The rows read of each metric must be those its fingerprint counted: a source changed between the two queries
    /// (a table reloaded, an export rewritten while it was read) would otherwise be loaded half, and stored under the
    /// fingerprint of the whole, so that no later run would see a change.
    /// </summary>
    private static void CheckReadAsFingerprinted(PacificDay day, Dictionary<string, StagedMetric> staged)
    {
        foreach (var (metric, load) in staged)
        {
            var (counted, read) = (load.Fingerprint, load.Read);
            if (!read.Agrees(counted.Rows, counted.ValueSum, counted.NumeratorSum, counted.DenominatorSum))
                throw new ImportRunFailed(
                    $"{day}: the source changed while it was read: {metric} had {counted.Rows} row(s) (values summing to {counted.ValueSum:R}) " +
                    $"when fingerprinted and {read.Rows} (summing to {read.ValueSum:R}) when read; the day was not loaded, run the import again");
        }
    }

    /// <summary>
    /// Open day: admitted by the readiness grain like an ingest request, then every metric swapped in. Sealed day
    /// (before, or since the fingerprints were compared): each metric restated, and the restatement announced.
    /// </summary>
    private async Task CommitAsync(
        string project, ImportDefinition import, IReadinessGrain readiness, PacificDay day, Dictionary<string, StagedMetric> staged, RunProgress progress,
        LeasedRun run)
    {
        var intent = new WriteIntent(
            Guid.NewGuid(),
            staged.Keys.Select(m => new MetricDayRef(m, day.Date)).ToArray(),
            staged.Values.Select(s => s.Catalog).OfType<CatalogEntry>().ToArray(),
            import.ImportId);
        var admission = await readiness.BeginWrite(intent);
        if (admission.Owned is { Length: > 0 } owned)
            throw Owned(owned);
        if (admission.QuotaExceeded is { } quota)
            throw new ImportRunFailed($"{day}: {quota}");
        var restate = !admission.Admitted;
        using var swapped = new CancellationTokenSource();
        var renewal = admission.Admitted ? RenewWriteAsync(readiness, intent.LeaseId, run, swapped.Token) : Task.CompletedTask;
        try
        {
            // The metric-days swap their loads in a few at a time, each in one write of its own: a swap holds its
            // day's units as an array and the snapshot's bytes while it writes, so every metric of a day at once
            // would hold all of them together.
            await AtMostAsync(ConcurrentSwaps, staged.Select(s => (Func<Task>)(() =>
                CommitOneAsync(project, import, readiness, day, s.Key, s.Value, restate, progress, run))));
        }
        finally
        {
            await swapped.CancelAsync();
            await renewal;
            if (admission.Admitted)
                await readiness.EndWrite(intent.LeaseId);
        }
    }

    /// <summary>
    /// Renews the day's write lease while its swaps go on, so that a seal waits for all of them however long they take;
    /// stops once the run's own lease is lost (a run that hangs holds no seal back) or the lease is gone.
    /// </summary>
    private async Task RenewWriteAsync(IReadinessGrain readiness, Guid leaseId, LeasedRun run, CancellationToken swapped)
    {
        try
        {
            do
                await Task.Delay(WriteRenewal, clock, swapped);
            while (!run.IsLost && await readiness.RenewWrite(leaseId));
        }
        catch (Exception)
        {
            // Swapped in, or the readiness grain unreachable: the lease expires, a seal may go ahead, and a metric-day
            // sealed before its swap restates (CommitOneAsync).
        }
    }

    private async Task CommitOneAsync(
        string project, ImportDefinition import, IReadinessGrain readiness, PacificDay day, string metric, StagedMetric load, bool restate,
        RunProgress progress, LeasedRun run)
    {
        var restates = !import.IsTest && load.Change > import.RestateThreshold;
        if (restate && !restates)
        {
            // Compared while the day was open (any change loads it), sealed since: a sealed day restates only past the threshold.
            progress.DaysUnchanged++;
            return;
        }
        var grain = MetricDay(project, metric, day);
        var cause = $"import:{import.ImportId}: rows {load.Fingerprint.Rows}, sum {load.Fingerprint.ValueSum:R}";
        Task<LoadOutcome> Commit() =>
            grain.CommitLoad(new LoadCommit(load.LoadId, load.Rows, load.Fingerprint, import.IsTest, clock.GetUtcNow(), restate, cause, run.Fence));
        async Task<LoadOutcome> RestateAsync()
        {
            // Expected before the swap, announced after it: should the run die in between, the readiness grain announces it.
            var versionBefore = (await grain.Content()).Version;
            await readiness.ExpectRestatement(metric, day.Date, versionBefore);
            var restated = await Commit();
            try
            {
                await readiness.AnnounceRestatement(metric, day.Date, versionBefore);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Swapped in all the same: it stays expected, and the readiness grain announces it later.
                LogRestatementNotAnnounced(e, project, metric, day.ToString());
            }
            return restated;
        }
        var outcome = restate ? await RestateAsync() : await Commit();
        if (outcome == LoadOutcome.Sealed && !restate && restates)
        {
            // Sealed after all, though admitted (the day's write lease was lost): the grain kept the staged rows.
            restate = true;
            outcome = await RestateAsync();
        }
        // A load refused as sealed is still staged: it is discarded with the day's others.
        load.Committed = outcome != LoadOutcome.Sealed;
        switch (outcome)
        {
            case LoadOutcome.LeaseLost:
                await run.MarkLostAsync();
                throw new OperationCanceledException($"{metric} on {day}: the run's lease was lost", run.Lost);
            case LoadOutcome.StagingLost:
                throw new ImportRunFailed($"{metric} on {day}: some staged rows were lost (the metric-day was activated afresh); run the import again");
            case LoadOutcome.Sealed:
                progress.DaysUnchanged++;
                return;
        }
        progress.RowsApplied += load.Rows;
        meters.ImportRows(project, import.ImportId, "applied", load.Rows);
        meters.Accepted(project, "import", load.Rows);
        if (!restate)
        {
            progress.DaysLoaded++;
            return;
        }
        progress.DaysRestated++;
    }

    /// <summary>signal_query: the watermark moves to the end of the latest finished day, as MarkDataReady would.</summary>
    private async Task SignalAsync(
        ImportDefinition import, IImportSource source, IReadinessGrain readiness, LeasedRun run, CancellationToken cancellationToken)
    {
        if (await SourceCall(() => source.FinishedDateAsync(import.SignalQuery, cancellationToken)) is not { } finished)
            return;
        var today = PacificDay.Of(clock.GetUtcNow());
        if (finished >= today)
            throw new ImportRunFailed($"signal_query says {finished} is finished, but it is not over yet in Pacific time (today is {today})");
        var timestamp = finished.EndUnixSeconds;
        if (timestamp <= (await readiness.Get()).Watermark)
            return;
        await run.ConfirmAsync();
        var result = await readiness.MarkDataReady(timestamp);
        if (result.Refusal is { } refusal)
            throw new ImportRunFailed($"signal_query's finished_date {finished}: {refusal}");
    }

    private static ImportRunFailed Owned(MetricOwner[] owned) => new(
        $"metric \"{owned[0].MetricName}\" is owned by import \"{owned[0].ImportId}\"{(owned.Length > 1 ? $" (and {owned.Length - 1} more metric(s) owned by other imports)" : "")}; "
        + "one metric is fed by one import: delete that import to move it; nothing was loaded");

    private async Task DiscardAsync(string project, PacificDay day, Dictionary<string, StagedMetric> staged) =>
        await Task.WhenAll(staged.Select(s => MetricDay(project, s.Key, day).DiscardLoad(s.Value.LoadId)));

    /// <summary>Makes <paramref name="calls"/>, at most <paramref name="concurrency"/> at a time.</summary>
    private static async Task AtMostAsync(int concurrency, IEnumerable<Func<Task>> calls)
    {
        using var slots = new SemaphoreSlim(concurrency);
        await Task.WhenAll(calls.Select(async call =>
        {
            await slots.WaitAsync();
            try
            {
                await call();
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    private static async Task<T> SourceCall<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (SourceException e)
        {
            throw new ImportRunFailed(e.Message);
        }
    }

    /// <summary>An <c>is_test</c> column that says otherwise than the import: one import loads one kind of record.</summary>
    private static IEnumerable<RecordViolation> OtherKind(List<SourceRow> chunk, bool importIsTest) => chunk
        .Select((row, i) => (row, i))
        .Where(r => r.row.IsTest != importIsTest)
        .Select(r => new RecordViolation(r.i, "is_test",
            $"is_test is {(r.row.IsTest ? "true" : "false")} but the import's is_test is {(importIsTest ? "true" : "false")}: load test rows with an import of their own"));

    /// <summary>SPEC §5: a row with all three values is a ratio row, and one with no value and no ratio pair has metric_value 0.</summary>
    private static IncomingRecord ToRecord(SourceRow row) => row.IsRatio
        ? new IncomingRecord(row.UnitId, row.IdType, row.MetricName, null, row.Numerator, row.Denominator, row.Date)
        : new IncomingRecord(row.UnitId, row.IdType, row.MetricName, row.Value, null, null, row.Date);

    /// <summary>The import schema's name of a field the validator names as LogCustomMetric's.</summary>
    private static string Column(string field) => field == "user_id" ? "unit_id" : field;


    private IMetricDayGrain MetricDay(string project, string metric, PacificDay day) =>
        grains.GetMetricDayGrain(new MetricDayId(project, metric, day));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project {Project}: the restatement of {MetricName} on {Date} could not be announced now; the readiness grain announces it at its next activation or MarkDataReady")]
    private partial void LogRestatementNotAnnounced(Exception exception, string project, string metricName, string date);
}
