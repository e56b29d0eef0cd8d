namespace Metrics.Grains.MetricDays;

/// <summary>
/// What an import run needs to know of a metric-day before it loads it: whether it is sealed, which import loaded it
/// and from what (<see cref="Loaded"/>), and the fingerprint of the rows it holds of each kind.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MetricDayContent(
    bool Sealed,
    int Version,
    string? LoadedBy,
    LoadFingerprint? Loaded,
    LoadFingerprint HeldProduction,
    LoadFingerprint HeldTest);
