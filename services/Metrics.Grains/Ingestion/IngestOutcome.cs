using Metrics.Domain;

namespace Metrics.Grains.Ingestion;

/// <summary>How an ingest call ended: applied (possibly as a duplicate), invalid, or refused for sealed days.</summary>
public abstract record IngestOutcome
{
    public sealed record Applied(int Accepted, bool Duplicate) : IngestOutcome;

    public sealed record Invalid(IReadOnlyList<RecordViolation> Violations) : IngestOutcome;

    public sealed record DaysSealed(IReadOnlyList<PacificDay> Days, long Watermark) : IngestOutcome
    {
        public string Reason =>
            $"day(s) {string.Join(", ", Days)} already sealed by the watermark; nothing in the request was applied";
    }
}
