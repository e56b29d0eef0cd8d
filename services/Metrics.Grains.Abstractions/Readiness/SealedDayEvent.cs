namespace Metrics.Grains.Readiness;

/// <summary>A day holding data was sealed: its final aggregates are ready for analysis.</summary>
[GenerateSerializer, Immutable]
public sealed record SealedDayEvent(string Project, DateOnly Date, long Watermark, int MetricCount, DateTimeOffset FinalizedAt);
