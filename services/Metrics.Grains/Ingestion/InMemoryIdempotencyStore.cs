using System.Collections.Concurrent;
using Metrics.Domain;

namespace Metrics.Grains.Ingestion;

/// <summary>The embedded mode's idempotency keys: process memory, forgotten after their retention.</summary>
public sealed class InMemoryIdempotencyStore(TimeProvider clock) : IIdempotencyStore
{
    private readonly ConcurrentDictionary<(string Project, string Key), DateTimeOffset> _applied = new();
    private readonly Lock _sweepGate = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public Task<bool> IsAppliedAsync(string project, string key) =>
        Task.FromResult(_applied.TryGetValue((project, key), out var expires) && expires > clock.GetUtcNow());

    public Task MarkAppliedAsync(string project, string key)
    {
        var now = clock.GetUtcNow();
        _applied[(project, key)] = now + IdempotencyKey.Retention;
        lock (_sweepGate)
        {
            if (now < _nextSweep)
                return Task.CompletedTask;
            _nextSweep = now + TimeSpan.FromHours(1);
        }
        foreach (var (entry, expires) in _applied)
            if (expires <= now)
                _applied.TryRemove(entry, out _);
        return Task.CompletedTask;
    }
}
