using Metrics.Domain;
using Metrics.Grains.MetricDays;

namespace Metrics.Grains.Ingestion;

/// <summary>How an ingest call ended: applied (possibly as a duplicate), invalid, or refused for sealed days or a quota.</summary>
public abstract record IngestOutcome
{
    public sealed record Applied(int Accepted, bool Duplicate) : IngestOutcome;

    public sealed record Invalid(IReadOnlyList<RecordViolation> Violations) : IngestOutcome;

    /// <param name="Stored">Metric-days (<c>metric on date</c>) whose records this call, or an earlier attempt with the
    /// request's idempotency key, stored before the seal: they count, and nothing else of the request was applied.</param>
    /// <param name="StoredRecords">The records of <paramref name="Stored"/>.</param>
    public sealed record DaysSealed(IReadOnlyList<PacificDay> Days, long Watermark, IReadOnlyList<string> Stored, int StoredRecords) : IngestOutcome
    {
        public const int MaxNamed = 10;

        /// <summary>Names at most <see cref="MaxNamed"/> days and metric-days, so that the message stays short for any request.</summary>
        public string Reason => Stored.Count > 0
            ? $"day(s) {Named(Days.Select(d => d.ToString()).ToList())} already sealed by the watermark; this call or an earlier attempt with "
              + $"its idempotency key stored the records of {Named(Stored)}, which count ({StoredRecords} record(s)); nothing else in the request was applied"
            : $"day(s) {Named(Days.Select(d => d.ToString()).ToList())} already sealed by the watermark; nothing in the request was applied";

        private static string Named(IReadOnlyList<string> items) =>
            string.Join(", ", items.Take(MaxNamed)) + (items.Count > MaxNamed ? $" and {items.Count - MaxNamed} more" : "");
    }

    /// <summary>
    /// The truthful outcome of a request's slices: applied when none was refused (a duplicate when the request has a
    /// key and every slice was already held), else refused naming the sealed days and every slice that is stored.
    /// </summary>
    public static IngestOutcome Of(IReadOnlyList<SliceResult> slices, bool keyed, IReadOnlyList<PacificDay> sealedDays, long watermark)
    {
        if (slices.All(s => s.Stored))
            return new Applied(
                slices.Where(s => s.Outcome == SliceOutcome.Applied).Sum(s => s.Rows),
                keyed && slices.All(s => s.Outcome == SliceOutcome.AlreadyApplied));
        var stored = slices.Where(s => s.Stored).ToList();
        return new DaysSealed(
            sealedDays,
            watermark,
            stored.Select(s => $"{s.MetricDay.MetricName} on {new PacificDay(s.MetricDay.Day)}").ToList(),
            stored.Sum(s => s.Rows));
    }

    /// <summary>The request would take the project over a quota; <paramref name="Reason"/> names it. Nothing was applied.</summary>
    public sealed record QuotaExceeded(string Reason) : IngestOutcome;
}
