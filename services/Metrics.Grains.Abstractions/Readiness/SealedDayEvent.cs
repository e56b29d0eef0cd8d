namespace Metrics.Grains.Readiness;

/// <summary>
/// A day holding data was sealed: its final aggregates are ready for analysis. Or, with <see cref="RestatedVersion"/>
/// above 0, an import restated one sealed metric-day (<see cref="MetricName"/>) to that version.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SealedDayEvent(
    string Project, DateOnly Date, long Watermark, int MetricCount, DateTimeOffset FinalizedAt, int RestatedVersion = 0, string? MetricName = null);
