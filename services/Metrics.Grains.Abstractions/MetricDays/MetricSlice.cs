namespace Metrics.Grains.MetricDays;

/// <summary>
/// A grain's part of one ingest request: the rows of one metric and day. A slice carrying an idempotency key is
/// applied at most once per metric-day, so a retried request never counts twice; <see cref="RequestFingerprint"/>
/// names the request's body (<see cref="Metrics.Domain.RequestFingerprint"/>, empty without a key), so that a
/// key reused for another request is not taken for a retry.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MetricSlice(string? IdempotencyKey, bool IsTest, DateTimeOffset IngestedAt, UnitRow[] Rows, string RequestFingerprint);
