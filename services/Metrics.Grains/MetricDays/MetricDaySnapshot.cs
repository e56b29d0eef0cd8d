using Metrics.Domain;

namespace Metrics.Grains.MetricDays;

/// <summary>
/// The compact form of a metric-day that replaces its journal: at the seal (<see cref="FinalizedAt"/> set, the
/// sealed <see cref="SealVersion"/>, 1 unless an import restated it) or when an import's load replaced the content
/// of an open day. It keeps the idempotency keys of the slices it holds, so that a retry of one is still known as
/// applied, and at the same index in <see cref="AppliedFingerprints"/> the fingerprint of the request each key named.
/// </summary>
public sealed record MetricDaySnapshot(
    DateTimeOffset? FinalizedAt,
    DateTimeOffset? LastIngestedAt,
    UnitSnapshot Production,
    UnitSnapshot Test,
    string[] AppliedKeys,
    string[] AppliedFingerprints,
    int SealVersion = 0,
    DateTimeOffset? RestatedAt = null,
    string? LoadedBy = null,
    LoadFingerprint? Loaded = null,
    string? VersionCause = null)
{
    public bool IsSealed => FinalizedAt is not null;
}

/// <summary>Per-unit totals as stored; <see cref="ToTotals"/> rebuilds the live form.</summary>
public sealed record UnitSnapshot(bool IsRatio, KeyValuePair<UnitKey, UnitTotals>[] Units)
{
    public static UnitSnapshot Of(MetricDayTotals totals) => new(totals.IsRatio, totals.UnitsToArray());

    public MetricDayTotals ToTotals()
    {
        var totals = new MetricDayTotals(Units.Length);
        foreach (var (unit, unitTotals) in Units)
            totals.Add(unit, unitTotals, IsRatio);
        return totals;
    }
}

/// <summary>A sealed version a restatement superseded, kept for <see cref="IMetricDayGrain.Versions"/>.</summary>
public sealed record MetricDayVersionRecord(int Version, Aggregate Overall, Aggregate[] ByIdType, DateTimeOffset FinalizedAt, string Cause);
