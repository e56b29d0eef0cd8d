using System.Collections.Concurrent;

namespace Metrics.Grains.Readiness;

/// <summary>The embedded mode's readiness store: process memory.</summary>
public sealed class InMemoryReadinessStore : IReadinessStore
{
    private readonly ConcurrentDictionary<string, ReadinessState> _states = new();

    public Task<ReadinessState> LoadAsync(string key) => Task.FromResult(_states.GetValueOrDefault(key, ReadinessState.Empty));

    public Task SaveAsync(string key, ReadinessState state)
    {
        _states[key] = state;
        return Task.CompletedTask;
    }
}
