namespace Metrics.Grains.MetricDays;

/// <summary>
/// A grain's part of one ingest request: the rows of one metric and day. A slice carrying an idempotency key is
/// applied at most once per metric-day, so a retried request never counts twice.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MetricSlice(string? IdempotencyKey, bool IsTest, DateTimeOffset IngestedAt, UnitRow[] Rows);
