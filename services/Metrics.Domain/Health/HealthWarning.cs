namespace Metrics.Domain.Health;

/// <summary>A health check that failed: the figure measured, the threshold it crossed, and a sentence for a person.</summary>
public sealed record HealthWarning(HealthCheckKind Kind, double Value, double Threshold, string Message);
