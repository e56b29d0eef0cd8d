using Metrics.Grains.MetricDays;

namespace Metrics.Grains.Readiness;

/// <summary>
/// Durable storage of readiness state, keyed like the readiness grain, as changes: a write costs the size of the
/// change, never of the state. Each write names the version it expects and fails with
/// <see cref="StoreConflictException"/> when another activation moved it.
/// </summary>
public interface IReadinessStore
{
    Task<ReadinessState> LoadAsync(string key);

    Task SaveAsync(string key, long expectedVersion, ReadinessChange change);

    /// <summary>The stored state's version: a read checks it to find out whether another activation moved the state.</summary>
    Task<long> VersionAsync(string key);
}
