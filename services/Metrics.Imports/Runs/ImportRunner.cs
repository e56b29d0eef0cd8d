using System.Threading.Channels;
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

namespace Metrics.Imports.Runs;

/// <summary>
/// Runs an import over its window, day by day: fingerprints every (metric, day) in the source with one query,
/// compares each with what the day holds, and for each day with a change reads its rows, validates them with the
/// rules of <c>LogCustomMetric</c>, stages them in the metric-day grains and swaps them in — on an open day after
/// the readiness grain admits the write, as an ingest request is, and on a sealed day as a restatement when the
/// change exceeds the import's threshold. A run that stops half-way leaves every metric-day as it was or as loaded.
/// Before each swap, and before the signal, it confirms the run's lease, which throws once the run may apply nothing
/// more (its lease lost to another activation); each swap is fenced by the lease too, in the store's own write, so
/// a run stopped between the confirmation and the swap (and woken after another activation took the import over)
/// swaps nothing in.
/// </summary>
internal sealed class ImportRunner(
    IGrainFactory grains, IImportProjects projects, IReadinessFeed feed, ILogstreamWriter logstream, ProductMeters meters, TimeProvider clock)
{
    /// <summary>Rows validated and staged at once: the most one ingest request may carry.</summary>
    private const int ChunkRows = RecordValidator.MaxRecords;

    /// <summary>Rows read from the source ahead of the chunk being staged.</summary>
    private const int ReadAhead = 2 * ChunkRows;

    /// <summary>Metric-days of a day that swap their loads in at the same time.</summary>
    private const int ConcurrentSwaps = 4;

    public async Task RunAsync(
        string project, ImportDefinition import, PacificDay from, PacificDay to, RunProgress progress, LeasedRun run, CancellationToken cancellationToken)
    {
        var source = projects.Source(project, import.Source)
            ?? throw new ImportRunFailed($"source \"{import.Source}\" is no longer configured for the project");
        var fingerprints = await SourceCall(() => source.FingerprintAsync(import.Query, from, to, cancellationToken));
        var readiness = grains.GetReadinessGrain(project);
        var owned = await readiness.OwnedByOthers(import.ImportId, fingerprints.Select(f => f.MetricName).Distinct(StringComparer.Ordinal).ToArray());
        if (owned.Length > 0)
            throw Owned(owned);
        foreach (var day in fingerprints.GroupBy(f => f.Date).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (!PacificDay.TryParse(day.Key, out var date) || date < from || date > to)
                continue; // a query that ignores {{start_date}}..{{end_date}}: only the run's window is loaded
            await LoadDayAsync(project, import, source, readiness, date, day.ToList(), progress, run, cancellationToken);
            progress.Changed();
        }
        if (import.SignalQuery.Length > 0)
            await SignalAsync(import, source, readiness, run, cancellationToken);
    }

    private async Task LoadDayAsync(
        string project, ImportDefinition import, IImportSource source, IReadinessGrain readiness, PacificDay day,
        IReadOnlyList<DayFingerprint> fingerprints, RunProgress progress, LeasedRun run, CancellationToken cancellationToken)
    {
        var daySealed = Watermark.Seals((await readiness.Get()).Watermark, day);
        var wanted = new Dictionary<string, StagedMetric>(StringComparer.Ordinal);
        foreach (var fingerprint in fingerprints)
        {
            var loaded = new LoadFingerprint(fingerprint.Rows, fingerprint.ValueSum, fingerprint.NumeratorSum, fingerprint.DenominatorSum);
            var content = await MetricDay(project, fingerprint.MetricName, day).Content();
            var before = content.LoadedBy == import.ImportId && content.Loaded is { } previous
                ? previous
                : import.IsTest ? content.HeldTest : content.HeldProduction;
            var change = loaded.ChangeFrom(before);
            var load = daySealed || content.Sealed
                ? !import.IsTest && change > import.RestateThreshold
                : change > 0;
            if (load)
                wanted[fingerprint.MetricName] = new StagedMetric(loaded, change);
            else
                progress.DaysUnchanged++;
        }
        if (wanted.Count == 0)
            return;

        var staged = await StageAsync(project, import, source, day, wanted, progress, cancellationToken);
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
        public CatalogEntry? Catalog;
        public bool Committed;
    }

    /// <summary>Reads the day's rows, validates them in chunks, and stages the valid rows of the metrics to load.</summary>
    private async Task<Dictionary<string, StagedMetric>> StageAsync(
        string project, ImportDefinition import, IImportSource source, PacificDay day, Dictionary<string, StagedMetric> staged,
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

        async Task FlushAsync()
        {
            records.Clear();
            foreach (var row in chunk)
                records.Add(ToRecord(row));
            var validation = validator.Validate(records, clock.GetUtcNow(), validRecords);
            var violations = validation.Violations.Concat(OtherKind(chunk, import.IsTest)).OrderBy(v => v.Index).ToList();
            var invalid = violations.Select(v => v.Index).ToHashSet();
            foreach (var violation in violations)
                progress.Error(new ImportRowError(chunk[violation.Index].RowNumber, Column(violation.Field), violation.Description, dayText));
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
                    $"{dayText}: {rejected} invalid row(s), more than max_rejected_rows ({import.MaxRejectedRows}); the day was not loaded. First: {FirstErrors(progress)}");
            var partition = RequestPartition.Of(valid, null, "", import.IsTest, clock.GetUtcNow());
            // Each metric's grain stages its part at once; a grain receives the chunks in order, one after the other.
            await Task.WhenAll(partition.Slices.Select(s =>
                MetricDay(project, s.MetricDay.MetricName, day).StageLoad(staged[s.MetricDay.MetricName].LoadId, s.Slice.Rows)));
            foreach (var (metricDay, slice) in partition.Slices)
                staged[metricDay.MetricName].Rows += slice.Rows.Length;
            foreach (var entry in partition.Catalog)
            {
                var metric = staged[entry.MetricName];
                metric.Catalog = metric.Catalog is null ? entry with { Owner = import.ImportId } : metric.Catalog.Merge(entry);
            }
            chunk.Clear();
            progress.Changed();
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rows = Channel.CreateBounded<SourceRow>(new BoundedChannelOptions(ReadAhead) { SingleReader = true, SingleWriter = true });
        // The source is read ahead on its own, off the grain's thread, while the rows before are validated and staged.
        var reading = Task.Run(() => ReadAheadAsync(source.ReadAsync(import.Query, day, day, stop.Token), rows.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var row in rows.Reader.ReadAllAsync(cancellationToken))
            {
                progress.RowsRead++;
                if (row.Date != dayText || !staged.TryGetValue(row.MetricName, out var metric))
                    continue; // another day's row, or a metric left unchanged
                metric.Read.Add(row);
                chunk.Add(row);
                if (chunk.Count == ChunkRows)
                    await FlushAsync();
            }
            if (chunk.Count > 0)
                await FlushAsync();
            CheckReadAsFingerprinted(day, staged);
        }
        catch (SourceException e)
        {
            await DiscardAsync(project, day, staged);
            throw new ImportRunFailed(e.Message);
        }
        catch
        {
            await stop.CancelAsync();
            await DiscardAsync(project, day, staged);
            throw;
        }
        finally
        {
            await reading;
        }
        return staged;
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

    /// <summary>Copies the source's rows into the channel; the source's failure ends the channel with it.</summary>
    private static async Task ReadAheadAsync(IAsyncEnumerable<SourceRow> source, ChannelWriter<SourceRow> rows, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var row in source.WithCancellation(cancellationToken))
                await rows.WriteAsync(row, cancellationToken);
            rows.Complete();
        }
        catch (Exception e)
        {
            rows.TryComplete(e);
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
        try
        {
            // The metric-days swap their loads in a few at a time, each in one write of its own: a swap holds its
            // day's units as an array and the snapshot's bytes while it writes, so every metric of a day at once
            // would hold all of them together.
            using var swaps = new SemaphoreSlim(ConcurrentSwaps);
            await Task.WhenAll(staged.Select(async s =>
            {
                await swaps.WaitAsync();
                try
                {
                    await CommitOneAsync(project, import, day, s.Key, s.Value, restate, admission.Watermark, progress, run);
                }
                finally
                {
                    swaps.Release();
                }
            }));
        }
        finally
        {
            if (admission.Admitted)
                await readiness.EndWrite(intent.LeaseId);
        }
    }

    private async Task CommitOneAsync(
        string project, ImportDefinition import, PacificDay day, string metric, StagedMetric load, bool restate, long watermark, RunProgress progress,
        LeasedRun run)
    {
        if (restate && load.Change <= import.RestateThreshold)
        {
            // Compared while the day was open (any change loads it), sealed since: a sealed day restates only past the threshold.
            progress.DaysUnchanged++;
            return;
        }
        var grain = MetricDay(project, metric, day);
        var cause = $"import:{import.ImportId}: rows {load.Fingerprint.Rows}, sum {load.Fingerprint.ValueSum:R}";
        var outcome = await grain.CommitLoad(new LoadCommit(load.LoadId, load.Rows, load.Fingerprint, import.IsTest, clock.GetUtcNow(), restate, cause, run.Fence));
        load.Committed = true;
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
        var version = (await grain.Content()).Version;
        await feed.PublishAsync(new SealedDayEvent(project, day.Date, watermark, 1, clock.GetUtcNow(), version, metric));
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

    private static string FirstErrors(RunProgress progress) =>
        string.Join("; ", progress.State.Errors.Take(3).Select(e => $"row {e.Row} {e.Column}: {e.Reason}"));

    private IMetricDayGrain MetricDay(string project, string metric, PacificDay day) =>
        grains.GetMetricDayGrain(new MetricDayId(project, metric, day));
}
