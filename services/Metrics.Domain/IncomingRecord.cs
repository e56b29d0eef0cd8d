namespace Metrics.Domain;

/// <summary>A record as a client sent it, before validation.</summary>
public sealed record IncomingRecord(
    string UserId,
    string IdType,
    string MetricName,
    double? MetricValue,
    double? Numerator,
    double? Denominator,
    string Date);
