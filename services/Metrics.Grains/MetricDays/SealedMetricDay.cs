using Metrics.Domain;

namespace Metrics.Grains.MetricDays;

/// <summary>
/// The compact snapshot that replaces a metric-day's journal once the day is sealed, with the idempotency keys of
/// the slices it holds, so that a retry of one is still known as applied, and at the same index in
/// <see cref="AppliedFingerprints"/> the fingerprint of the request each key named.
/// </summary>
public sealed record SealedMetricDay(
    DateTimeOffset FinalizedAt,
    DateTimeOffset? LastIngestedAt,
    UnitSnapshot Production,
    UnitSnapshot Test,
    string[] AppliedKeys,
    string[] AppliedFingerprints);

/// <summary>Per-unit totals as stored; <see cref="ToTotals"/> rebuilds the live form.</summary>
public sealed record UnitSnapshot(bool IsRatio, [property: Id(1)] KeyValuePair<UnitKey, UnitTotals>[] Units)
{
    public static UnitSnapshot Of(MetricDayTotals totals) => new(totals.IsRatio, totals.Units.ToArray());

    public MetricDayTotals ToTotals()
    {
        var totals = new MetricDayTotals();
        foreach (var (unit, unitTotals) in Units)
            totals.Add(unit, unitTotals, IsRatio);
        return totals;
    }
}
