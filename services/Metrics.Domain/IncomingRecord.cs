namespace Metrics.Domain;

/// <summary>A record as a client sent it, before validation.</summary>
public readonly record struct IncomingRecord(
    string UserId,
    string IdType,
    string MetricName,
    double? MetricValue,
    double? Numerator,
    double? Denominator,
    string Date);
