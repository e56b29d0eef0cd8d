using Metrics.Domain;

namespace Metrics.Grains.MetricDays;

/// <summary>One sealed version of a metric-day: the first seal is version 1, each restatement adds one.</summary>
[GenerateSerializer, Immutable]
public sealed record MetricDayVersionView(
    int Version,
    Aggregate Overall,
    Aggregate[] ByIdType,
    DateTimeOffset FinalizedAt,
    string Cause);
