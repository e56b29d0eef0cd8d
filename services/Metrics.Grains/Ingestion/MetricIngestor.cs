using Metrics.Domain;
using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;

namespace Metrics.Grains.Ingestion;

/// <summary>
/// Applies an ingest request all or nothing: validates it, asks the readiness grain to admit its days, writes
/// one slice per metric-day grain, and shows refused records in the Logstream as rejected.
/// </summary>
public sealed class MetricIngestor(IGrainFactory grains, IIdempotencyStore idempotency, ILogstreamWriter logstream, TimeProvider clock)
{
    public async Task<IngestOutcome> IngestAsync(IngestRequest request)
    {
        var now = clock.GetUtcNow();
        if (IdempotencyKey.Check(request.IdempotencyKey) is { } badKey)
            return new IngestOutcome.Invalid([badKey]);
        var validation = new RecordValidator(request.IdTypes).Validate(request.Records, now);
        if (!validation.IsValid)
        {
            await PublishRejectedAsync(request, now, i => RejectionReason(validation, i));
            return new IngestOutcome.Invalid(validation.Violations);
        }

        var key = request.IdempotencyKey.Length == 0 ? null : request.IdempotencyKey;
        var fingerprint = key is null ? "" : RequestFingerprint.Of(request.IsTest, request.Records);
        if (key is not null)
        {
            // Claimed before anything is applied: of concurrent requests under one key, one body wins and the others are refused.
            switch (await idempotency.ClaimAsync(request.Project, key, fingerprint))
            {
                case IdempotencyClaim.Applied:
                    return new IngestOutcome.Applied(0, Duplicate: true);
                case IdempotencyClaim.OtherRequest:
                    var reused = IdempotencyKey.NamesAnotherRequest(key);
                    await PublishRejectedAsync(request, now, _ => reused.Description);
                    return new IngestOutcome.Invalid([reused]);
            }
        }

        var (slices, catalog) = RequestPartition.Of(validation.Records, key, fingerprint, request.IsTest, now);
        var intent = new WriteIntent(Guid.NewGuid(), slices.Select(s => s.MetricDay).ToArray(), catalog);

        var readiness = grains.GetReadinessGrain(request.Project);
        var admission = await readiness.BeginWrite(intent);
        if (!admission.Admitted)
        {
            // A retry whose earlier attempt failed after storing slices may meet the days sealed since: say what counts.
            var held = key is null ? [] : await HeldSlicesAsync(request.Project, slices.Select(s => s.MetricDay), key, fingerprint);
            if (held.Count == slices.Length)
            {
                await idempotency.MarkAppliedAsync(request.Project, key!, fingerprint);
                return new IngestOutcome.Applied(0, Duplicate: true);
            }
            return await RefuseAsync(request, now, new IngestOutcome.DaysSealed(
                admission.SealedDays.Select(d => new PacificDay(d)).ToList(), admission.Watermark,
                held.Select(m => $"{m.MetricName} on {new PacificDay(m.Day)}").ToList()));
        }

        SliceOutcome[] outcomes;
        try
        {
            outcomes = await Task.WhenAll(slices.Select(s => grains
                .GetMetricDayGrain(new MetricDayId(request.Project, s.MetricDay.MetricName, new PacificDay(s.MetricDay.Day)))
                .Apply(s.Slice)));
        }
        finally
        {
            await readiness.EndWrite(intent.LeaseId);
        }

        // Only when a writer outlived its lease can a slice meet a sealed day here.
        var late = slices.Zip(outcomes).Where(x => x.Second == SliceOutcome.Sealed).Select(x => new PacificDay(x.First.MetricDay.Day)).Distinct().Order().ToList();
        if (late.Count > 0)
            return new IngestOutcome.DaysSealed(late, (await readiness.Get()).Watermark);
        if (key is not null)
            await idempotency.MarkAppliedAsync(request.Project, key, fingerprint);
        var accepted = slices.Zip(outcomes).Where(x => x.Second == SliceOutcome.Applied).Sum(x => x.First.Slice.Rows.Length);
        var duplicate = key is not null && outcomes.All(o => o == SliceOutcome.AlreadyApplied);
        return new IngestOutcome.Applied(accepted, duplicate);
    }

    private async Task<IReadOnlyList<MetricDayRef>> HeldSlicesAsync(
        string project, IEnumerable<MetricDayRef> metricDays, string key, string fingerprint)
    {
        var checks = metricDays.Select(async m => (MetricDay: m,
            Held: await grains.GetMetricDayGrain(new MetricDayId(project, m.MetricName, new PacificDay(m.Day))).HoldsSlice(key, fingerprint)));
        return (await Task.WhenAll(checks)).Where(c => c.Held).Select(c => c.MetricDay).ToList();
    }

    private async Task<IngestOutcome> RefuseAsync(IngestRequest request, DateTimeOffset now, IngestOutcome.DaysSealed refusal)
    {
        await PublishRejectedAsync(request, now, _ => refusal.Reason);
        return refusal;
    }

    /// <summary>One bounded Logstream entry per refused request, however many records it had.</summary>
    private Task PublishRejectedAsync(IngestRequest request, DateTimeOffset now, Func<int, string> reason) =>
        request.Records.Count is 0 or > RecordValidator.MaxRecords
            ? Task.CompletedTask
            : logstream.AppendAsync(LogstreamBatch.Refused(request.Project, request.IsTest, now, request.Records, reason));

    private static string RejectionReason(BatchValidation validation, int index)
    {
        var own = validation.Violations.Where(v => v.Index == index).Select(v => $"{v.Path}: {ViolationReport.Shorten(v.Description)}").ToList();
        return own.Count > 0
            ? string.Join("; ", own)
            : "not applied: other records in the request are invalid";
    }
}
