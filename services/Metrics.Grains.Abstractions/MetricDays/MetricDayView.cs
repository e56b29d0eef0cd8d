using Metrics.Domain;

namespace Metrics.Grains.MetricDays;

/// <summary>The detail view of a metric-day: provisional while open, final once sealed.</summary>
[GenerateSerializer, Immutable]
public sealed record MetricDayView(
    bool Finalized,
    bool IsRatio,
    Aggregate Overall,
    Aggregate[] ByIdType,
    DateTimeOffset? FinalizedAt,
    DateTimeOffset? LastIngestedAt,
    int Version,
    DateTimeOffset? RestatedAt);
