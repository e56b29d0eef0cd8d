using System.Collections.Concurrent;
using Metrics.Grains.MetricDays;

namespace Metrics.Grains.Readiness;

/// <summary>The embedded mode's readiness store: process memory.</summary>
public sealed class InMemoryReadinessStore : IReadinessStore
{
    private readonly ConcurrentDictionary<string, ReadinessState> _states = new();

    public Task<ReadinessState> LoadAsync(string key) => Task.FromResult(_states.GetValueOrDefault(key, ReadinessState.Empty));

    public Task SaveAsync(string key, long expectedVersion, ReadinessChange change)
    {
        _states.AddOrUpdate(key, _ => Next(key, ReadinessState.Empty, expectedVersion, change), (_, stored) => Next(key, stored, expectedVersion, change));
        return Task.CompletedTask;
    }

    public Task<long> VersionAsync(string key) => Task.FromResult(_states.GetValueOrDefault(key, ReadinessState.Empty).Version);

    private static ReadinessState Next(string key, ReadinessState stored, long expectedVersion, ReadinessChange change) =>
        stored.Version == expectedVersion
            ? stored.Apply(change)
            : throw new StoreConflictException($"readiness of {key}: expected version {expectedVersion}, found {stored.Version}");
}
