namespace Metrics.Grains.Readiness;

/// <summary>
/// What an ingest request is about to write: the metric-days it touches and what the catalog learns from it.
/// Admitted intents hold a lease on their days until <see cref="IReadinessGrain.EndWrite"/>; a seal waits for it.
/// <see cref="ImportId"/> names the import writing (null: the API); a metric another import owns refuses the write.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WriteIntent(Guid LeaseId, MetricDayRef[] MetricDays, CatalogEntry[] Catalog, string? ImportId = null)
{
    public DateOnly[] Days => MetricDays.Select(m => m.Day).Distinct().ToArray();
}

[GenerateSerializer, Immutable]
public readonly record struct MetricDayRef(string MetricName, DateOnly Day);

/// <summary>
/// Admitted, or refused for sealed days, or for a quota (<see cref="QuotaExceeded"/> says which and why), or for metric
/// names an import owns (<see cref="Owned"/>: each name with its import).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WriteAdmission(
    bool Admitted, DateOnly[] SealedDays, long Watermark, string? QuotaExceeded = null, MetricOwner[]? Owned = null);

/// <summary>A metric name and the import that owns it.</summary>
[GenerateSerializer, Immutable]
public readonly record struct MetricOwner(string MetricName, string ImportId);
