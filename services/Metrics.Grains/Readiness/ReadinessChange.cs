namespace Metrics.Grains.Readiness;

/// <summary>
/// One step of a readiness grain's state, stored as it is: a write costs the size of the step, never of the state.
/// The watermark only moves forward (a smaller one is ignored, 0 means "unchanged").
/// </summary>
/// <param name="Opened">Metric-days that now hold data waiting for a seal.</param>
/// <param name="Cataloged">Catalog entries, new or widened, as they are from now on.</param>
/// <param name="Closed">Days sealed, no longer open: their events wait in the state until announced.</param>
/// <param name="Announced">Sealed days whose events went out on the readiness feed.</param>
public sealed record ReadinessChange(
    long Watermark,
    IReadOnlyList<MetricDayRef> Opened,
    IReadOnlyList<CatalogEntry> Cataloged,
    IReadOnlyList<SealedDayEvent> Closed,
    IReadOnlyList<DateOnly> Announced)
{
    public static ReadinessChange Advance(long watermark) => new(watermark, [], [], [], []);

    public static ReadinessChange Close(IReadOnlyList<SealedDayEvent> sealedDays) => new(0, [], [], sealedDays, []);

    public static ReadinessChange Announce(IReadOnlyList<DateOnly> days) => new(0, [], [], [], days);

    public static ReadinessChange Pend(PendingRestatement restatement) => new(0, [], [], [], []) { Pended = [restatement] };

    public static ReadinessChange Resolve(IReadOnlyList<string> keys) => new(0, [], [], [], []) { Resolved = keys };

    /// <summary>Restatements about to be swapped in: announced once their metric-days show them.</summary>
    public IReadOnlyList<PendingRestatement> Pended { get; init; } = [];

    /// <summary>Keys of pending restatements announced, or found not to have happened: no longer pending.</summary>
    public IReadOnlyList<string> Resolved { get; init; } = [];

    /// <summary>Catalog entries of metric names the catalog did not hold yet.</summary>
    public int NewMetricNames(ReadinessState before) => Cataloged.Count(e => !before.Catalog.ContainsKey(e.MetricName));
}
