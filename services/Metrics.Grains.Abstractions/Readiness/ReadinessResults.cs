namespace Metrics.Grains.Readiness;

/// <summary>The outcome of MarkDataReady: a refusal (the watermark would move backward), or the sealed days.</summary>
[GenerateSerializer, Immutable]
public sealed record MarkReadyResult(string? Refusal, long Watermark, DateOnly[] FinalizedDates);

[GenerateSerializer, Immutable]
public sealed record ReadinessView(long Watermark, DateOnly? LastFinalizedDate, DateOnly[] OpenDates);
