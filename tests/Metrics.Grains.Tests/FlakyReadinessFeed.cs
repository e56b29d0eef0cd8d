using System.Collections.Concurrent;
using Metrics.Grains.Readiness;

namespace Metrics.Grains.Tests;

/// <summary>A readiness feed that records what it publishes, and fails as Redis' pub/sub does while Redis is away.</summary>
public sealed class FlakyReadinessFeed : IReadinessFeed
{
    public volatile bool Failing;

    public ConcurrentQueue<SealedDayEvent> Published { get; } = new();

    public Task PublishAsync(SealedDayEvent sealedDay)
    {
        if (Failing)
            throw new StorageUnavailableException("the readiness feed is unavailable");
        Published.Enqueue(sealedDay);
        return Task.CompletedTask;
    }

    public Task<ReadinessWatch> WatchAsync(string project) => throw new NotSupportedException("the tests publish only");
}
