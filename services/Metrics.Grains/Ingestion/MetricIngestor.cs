using Metrics.Domain;
using Metrics.Grains.Health;
using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Metrics.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace Metrics.Grains.Ingestion;

/// <summary>
/// Applies an ingest request: validates it, binds its idempotency key to it, asks the readiness grain to admit its
/// days, writes one slice per metric-day grain, and shows refused records in the Logstream as rejected. A request
/// is applied whole, or — only when a slice meets a day sealed since its admission — refused naming what was stored.
/// </summary>
public sealed partial class MetricIngestor(
    IGrainFactory grains,
    IIdempotencyStore idempotency,
    ILogstreamWriter logstream,
    IRejectionTally rejections,
    ProductMeters meters,
    TimeProvider clock,
    ILogger<MetricIngestor> logger)
{
    public async Task<IngestOutcome> IngestAsync(IngestRequest request)
    {
        var now = clock.GetUtcNow();
        if (IdempotencyKey.Check(request.IdempotencyKey) is { } badKey)
            return new IngestOutcome.Invalid([badKey]);
        var validation = new RecordValidator(request.IdTypes).Validate(request.Records, now);
        if (!validation.IsValid)
        {
            await PublishRejectedAsync(request, request.Records, now, RejectionReasons(validation.Violations));
            await TallyRejectedAsync(request, now);
            CountRejected(request, validation.Violations);
            return new IngestOutcome.Invalid(validation.Violations);
        }

        var key = request.IdempotencyKey.Length == 0 ? null : request.IdempotencyKey;
        var fingerprint = key is null ? "" : RequestFingerprint.Of(request.IsTest, request.Records);
        var ingestionDay = PacificDay.Of(now);
        var retry = false;
        if (key is not null)
        {
            // Claimed before anything is applied: of concurrent requests under one key, one body wins and the others are refused.
            var claim = await idempotency.ClaimAsync(request.Project, key, fingerprint, ingestionDay);
            switch (claim.Status)
            {
                case IdempotencyClaim.Applied:
                    return new IngestOutcome.Applied(0, Duplicate: true);
                case IdempotencyClaim.OtherRequest:
                    var reused = IdempotencyKey.NamesAnotherRequest(key);
                    await PublishRejectedAsync(request, request.Records, now, _ => reused.Description);
                    meters.Rejected(request.Project, "idempotency_key", request.Records.Count);
                    return new IngestOutcome.Invalid([reused]);
                case IdempotencyClaim.ClaimedBefore:
                    // A retry counts its undated records for the day its first attempt did, even past Pacific midnight.
                    retry = true;
                    ingestionDay = claim.IngestionDay;
                    validation = validation.IngestedOn(ingestionDay, request.Records);
                    break;
            }
        }

        var (slices, catalog) = RequestPartition.Of(validation.Records, key, fingerprint, request.IsTest, now);
        var intent = new WriteIntent(Guid.NewGuid(), slices.Select(s => s.MetricDay).ToArray(), catalog);

        var readiness = grains.GetReadinessGrain(request.Project);
        var admission = await readiness.BeginWrite(intent);
        if (admission.QuotaExceeded is not null || admission.Owned is { Length: > 0 })
        {
            // Nothing was applied: the key is free again for this request changed, or for another.
            if (key is not null && !retry)
                await idempotency.ReleaseAsync(request.Project, key, fingerprint, ingestionDay);
            if (admission.QuotaExceeded is { } quota)
            {
                meters.Rejected(request.Project, "quota", request.Records.Count);
                return new IngestOutcome.QuotaExceeded(quota);
            }
            var owned = OwnedMetricViolations(validation, admission.Owned!);
            await PublishRejectedAsync(request, request.Records, now, RejectionReasons(owned));
            await TallyRejectedAsync(request, now);
            CountRejected(request, owned.Select(v => v with { Field = "owned_metric" }).ToList());
            return new IngestOutcome.Invalid(owned);
        }
        var (results, sealedDays, watermark) = admission.Admitted
            ? await ApplyAsync(request.Project, slices, readiness, intent.LeaseId, admission.Watermark)
            : (await HeldSlicesAsync(request.Project, slices, key, fingerprint),
               admission.SealedDays.Select(d => new PacificDay(d)).ToList(), admission.Watermark);

        var outcome = IngestOutcome.Of(results, key is not null, sealedDays, watermark);
        meters.Accepted(request.Project, "api", results.Where(r => r.Outcome == SliceOutcome.Applied).Sum(r => (long)r.Rows));
        if (outcome is IngestOutcome.DaysSealed refused)
        {
            var late = RecordsOf(request, validation, results.Where(r => !r.Stored));
            await PublishRejectedAsync(request, late, now, _ => refused.Reason);
            meters.Rejected(request.Project, "sealed_day", late.Count);
        }
        else if (key is not null)
            await idempotency.MarkAppliedAsync(request.Project, key, fingerprint, ingestionDay);
        return outcome;
    }

    private async Task<(IReadOnlyList<SliceResult>, IReadOnlyList<PacificDay>, long)> ApplyAsync(
        string project, (MetricDayRef MetricDay, MetricSlice Slice)[] slices, IReadinessGrain readiness, Guid leaseId, long watermark)
    {
        SliceOutcome[] outcomes;
        try
        {
            outcomes = await Task.WhenAll(slices.Select(s => grains
                .GetMetricDayGrain(new MetricDayId(project, s.MetricDay.MetricName, new PacificDay(s.MetricDay.Day)))
                .Apply(s.Slice)));
        }
        finally
        {
            await EndWriteAsync(readiness, leaseId);
        }
        var results = slices.Zip(outcomes, (s, o) => new SliceResult(s.MetricDay, s.Slice.Rows.Length, o)).ToList();
        // Only when a writer outlived its lease, or the readiness grain lost its leases with its node, can a slice meet a sealed day here.
        var late = results.Where(r => !r.Stored).Select(r => new PacificDay(r.MetricDay.Day)).Distinct().Order().ToList();
        return (results, late, late.Count == 0 ? watermark : (await readiness.Get()).Watermark);
    }

    /// <summary>
    /// Ends the write's lease. Its slices are stored or refused by now, so the answer stands should this fail (the
    /// readiness grain's node lost): the lease then expires by itself, and a seal waits for it no longer than that.
    /// </summary>
    private async Task EndWriteAsync(IReadinessGrain readiness, Guid leaseId)
    {
        try
        {
            await readiness.EndWrite(leaseId);
        }
        catch (Exception e)
        {
            LogEndWriteFailed(e, leaseId);
        }
    }

    /// <summary>
    /// For a request refused at admission: the slices its metric-day grains hold already (a retry whose earlier
    /// attempt stored them before the seal) count as stored; the others are refused.
    /// </summary>
    private async Task<IReadOnlyList<SliceResult>> HeldSlicesAsync(
        string project, (MetricDayRef MetricDay, MetricSlice Slice)[] slices, string? key, string fingerprint)
    {
        var checks = slices.Select(async s => new SliceResult(s.MetricDay, s.Slice.Rows.Length,
            key is not null
            && await grains.GetMetricDayGrain(new MetricDayId(project, s.MetricDay.MetricName, new PacificDay(s.MetricDay.Day))).HoldsSlice(key, fingerprint)
                ? SliceOutcome.AlreadyApplied
                : SliceOutcome.Sealed));
        return await Task.WhenAll(checks);
    }

    /// <summary>The records of the request that belong to <paramref name="metricDays"/>, in request order.</summary>
    private static List<IncomingRecord> RecordsOf(IngestRequest request, BatchValidation validation, IEnumerable<SliceResult> metricDays)
    {
        var wanted = metricDays.Select(r => r.MetricDay).ToHashSet();
        return request.Records
            .Where((_, i) => wanted.Contains(new MetricDayRef(validation.Records[i].MetricName, validation.Records[i].Day.Date)))
            .ToList();
    }

    /// <summary>One bounded Logstream entry per refused request, however many records it had.</summary>
    private Task PublishRejectedAsync(IngestRequest request, IReadOnlyList<IncomingRecord> records, DateTimeOffset now, Func<int, string> reason) =>
        records.Count is 0 or > RecordValidator.MaxRecords
            ? Task.CompletedTask
            : logstream.AppendAsync(LogstreamBatch.Refused(request.Project, request.IsTest, now, records, reason));

    /// <summary>
    /// The production records of a request refused as invalid (a record failing validation, a metric an import
    /// owns), counted per metric-day for the rejected-share health check: what a pipeline sends wrong. Records
    /// refused for a sealed day are late, not wrong, and a reused idempotency key is the caller's mistake, not the
    /// data's: neither counts. Records without a metric name or a date belong to no metric-day; see
    /// <see cref="IRejectionTally"/> for the bounds.
    /// </summary>
    private async Task TallyRejectedAsync(IngestRequest request, DateTimeOffset now)
    {
        if (request.IsTest || request.Records.Count > RecordValidator.MaxRecords)
            return;
        var today = PacificDay.Of(now);
        var oldest = new PacificDay(today.Date.AddDays(-IRejectionTally.DaysBack));
        var counts = RejectedCounts.Of(request.Records, oldest, today);
        if (counts.Count == 0)
            return;
        try
        {
            await rejections.AddAsync(request.Project, counts);
        }
        catch (StorageUnavailableException e)
        {
            // A diagnostic: the refusal is answered all the same.
            LogRejectionTallyFailed(e, request.Project);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the rejected records of a request of project {Project} failed; its days' rejected share misses them")]
    private partial void LogRejectionTallyFailed(Exception exception, string project);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ending write lease {LeaseId} failed; it expires by itself")]
    private partial void LogEndWriteFailed(Exception exception, Guid leaseId);

    /// <summary>Each record of a metric an import owns: its rows come from the import's source, never from the API.</summary>
    private static List<RecordViolation> OwnedMetricViolations(BatchValidation validation, MetricOwner[] owned)
    {
        var owners = owned.ToDictionary(o => o.MetricName, o => o.ImportId, StringComparer.Ordinal);
        return validation.Records
            .Select((record, i) => owners.TryGetValue(record.MetricName, out var importId)
                ? new RecordViolation(i, "metric_name",
                    $"metric \"{record.MetricName}\" is loaded by import \"{importId}\": change its rows in that import's source, or delete the import to write it here")
                : null)
            .OfType<RecordViolation>()
            .ToList();
    }

    private const string OtherRecordsInvalid = "other_records_invalid";

    /// <summary>
    /// The records of a request refused as invalid, counted by reason (a bounded set: the field of a record's first
    /// violation; a request-level violation's field for every record; otherwise that other records are invalid).
    /// The violations are in record order.
    /// </summary>
    private void CountRejected(IngestRequest request, IReadOnlyList<RecordViolation> violations)
    {
        var byReason = new Dictionary<string, int>(StringComparer.Ordinal);
        var withOwn = 0;
        foreach (var first in RecordViolation.FirstOfEachRecord(violations))
        {
            withOwn++;
            byReason[first.Field] = byReason.GetValueOrDefault(first.Field) + 1;
        }
        var all = violations.FirstOrDefault(v => v.Index < 0)?.Field ?? OtherRecordsInvalid;
        foreach (var (reason, count) in byReason)
            meters.Rejected(request.Project, reason, count);
        meters.Rejected(request.Project, all, request.Records.Count - withOwn);
    }

    /// <summary>
    /// The reason shown for each record of a refused request's Logstream entry (its first <see cref="Rejection.SampleSize"/>),
    /// from violations in record order: only those of the sample's records are read.
    /// </summary>
    private static Func<int, string> RejectionReasons(IReadOnlyList<RecordViolation> violations)
    {
        var own = new Dictionary<int, List<string>>();
        foreach (var v in violations)
        {
            if (v.Index >= Rejection.SampleSize)
                break;
            if (v.Index < 0)
                continue;
            if (!own.TryGetValue(v.Index, out var descriptions))
                own[v.Index] = descriptions = [];
            descriptions.Add($"{v.Path}: {ViolationReport.Shorten(v.Description)}");
        }
        return index => own.TryGetValue(index, out var descriptions)
            ? string.Join("; ", descriptions)
            : "not applied: other records in the request are invalid";
    }
}
