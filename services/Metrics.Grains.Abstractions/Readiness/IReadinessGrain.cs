namespace Metrics.Grains.Readiness;

/// <summary>The watermark of one project and type, keyed <c>{project}/{type}</c>; the authority on sealed days.</summary>
public interface IReadinessGrain : IGrainWithStringKey
{
    /// <summary>Admits a write unless one of its days is sealed or being sealed, or it would take the project over a quota.</summary>
    Task<WriteAdmission> BeginWrite(WriteIntent intent);

    Task EndWrite(Guid leaseId);

    /// <summary>
    /// Keeps an admitted write's lease from expiring while its writer still works (an import's swaps); false when the
    /// lease is no longer held (it expired, or this activation is not the one that admitted it).
    /// </summary>
    Task<bool> RenewWrite(Guid leaseId);

    /// <summary>
    /// Moves the watermark forward and seals every day it reaches; returns once they are final, with the days it
    /// announced: those it sealed, and those an earlier seal could not announce.
    /// </summary>
    Task<MarkReadyResult> MarkDataReady(long timestamp);

    Task<ReadinessView> Get();

    /// <summary>Those of <paramref name="metricNames"/> that an import other than <paramref name="importId"/> owns.</summary>
    Task<MetricOwner[]> OwnedByOthers(string importId, string[] metricNames);

    /// <summary>
    /// Stores that an import run is about to restate the metric-day, now at <paramref name="versionBefore"/>, before its
    /// swap: should the run die before <see cref="AnnounceRestatement"/>, this grain announces the restatement itself
    /// (at its next activation or <see cref="MarkDataReady"/>) once the metric-day shows it.
    /// </summary>
    Task ExpectRestatement(string metricName, DateOnly date, int versionBefore);

    /// <summary>
    /// After the swap: announces the metric-day's newest version if it is past <paramref name="versionBefore"/> (the
    /// swap restated it), and then no longer expects a restatement the announcement covers.
    /// </summary>
    Task AnnounceRestatement(string metricName, DateOnly date, int versionBefore);

    /// <summary>The catalog entries of the metrics the import owns: those it loaded, with the first and last days they have data.</summary>
    Task<CatalogEntry[]> OwnedBy(string importId);

    /// <summary>Gives back the metric names the import owns: the API, or another import, may write them again.</summary>
    Task ReleaseOwnership(string importId);

    /// <summary>Up to <paramref name="pageSize"/> catalog entries after the name <paramref name="after"/> (from the first when null).</summary>
    Task<CatalogPage> ListMetrics(string? after, int pageSize);

    /// <summary>The catalog entry of one metric; null when no production record of it was ever written.</summary>
    Task<CatalogEntry?> DescribeMetric(string metricName);
}
