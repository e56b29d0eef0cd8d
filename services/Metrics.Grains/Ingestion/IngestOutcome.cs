using Metrics.Domain;

namespace Metrics.Grains.Ingestion;

/// <summary>How an ingest call ended: applied (possibly as a duplicate), invalid, or refused for sealed days or a quota.</summary>
public abstract record IngestOutcome
{
    public sealed record Applied(int Accepted, bool Duplicate) : IngestOutcome;

    public sealed record Invalid(IReadOnlyList<RecordViolation> Violations) : IngestOutcome;

    /// <param name="StoredBefore">Metric-days (<c>metric on date</c>) whose records an earlier attempt with the request's
    /// idempotency key stored before the seal: they count, and nothing else of the request was applied.</param>
    public sealed record DaysSealed(IReadOnlyList<PacificDay> Days, long Watermark, IReadOnlyList<string>? StoredBefore = null) : IngestOutcome
    {
        public string Reason => StoredBefore is { Count: > 0 } stored
            ? $"day(s) {string.Join(", ", Days)} already sealed by the watermark; an earlier attempt with this idempotency key "
              + $"stored the records of {string.Join(", ", stored)}, which count; nothing else in the request was applied"
            : $"day(s) {string.Join(", ", Days)} already sealed by the watermark; nothing in the request was applied";
    }

    /// <summary>The request would take the project over a quota; <paramref name="Reason"/> names it. Nothing was applied.</summary>
    public sealed record QuotaExceeded(string Reason) : IngestOutcome;
}
