using System.Threading.Channels;

namespace Metrics.Grains.Readiness;

/// <summary>Carries sealed-day events to every node's WatchReadiness subscribers.</summary>
public interface IReadinessFeed
{
    Task PublishAsync(SealedDayEvent sealedDay);

    /// <summary>Completes once the project's events reach the watch; dispose to stop.</summary>
    Task<ReadinessWatch> WatchAsync(string project);
}

public sealed class ReadinessWatch(ChannelReader<SealedDayEvent> events, Action stop) : IDisposable
{
    public ChannelReader<SealedDayEvent> Events => events;

    public void Dispose() => stop();
}
