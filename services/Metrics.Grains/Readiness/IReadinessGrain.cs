namespace Metrics.Grains.Readiness;

/// <summary>The watermark of one project and type, keyed <c>{project}/{type}</c>; the authority on sealed days.</summary>
public interface IReadinessGrain : IGrainWithStringKey
{
    /// <summary>Admits a write unless one of its days is sealed or being sealed.</summary>
    Task<WriteAdmission> BeginWrite(WriteIntent intent);

    Task EndWrite(Guid leaseId);

    /// <summary>Moves the watermark forward and seals every day it reaches; returns once they are final.</summary>
    Task<MarkReadyResult> MarkDataReady(long timestamp);

    Task<ReadinessView> Get();

    Task<CatalogEntry[]> ListMetrics();
}
