namespace Metrics.Grains.Readiness;

/// <summary>
/// What an ingest request is about to write: the metric-days it touches and what the catalog learns from it.
/// Admitted intents hold a lease on their days until <see cref="IReadinessGrain.EndWrite"/>; a seal waits for it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WriteIntent(Guid LeaseId, MetricDayRef[] MetricDays, CatalogEntry[] Catalog)
{
    public DateOnly[] Days => MetricDays.Select(m => m.Day).Distinct().ToArray();
}

[GenerateSerializer, Immutable]
public readonly record struct MetricDayRef(string MetricName, DateOnly Day);

/// <summary>Admitted, or refused for sealed days, or refused for a quota (<see cref="QuotaExceeded"/> says which and why).</summary>
[GenerateSerializer, Immutable]
public sealed record WriteAdmission(bool Admitted, DateOnly[] SealedDays, long Watermark, string? QuotaExceeded = null);
