using System.Threading.Channels;

namespace Metrics.Grains.Readiness;

/// <summary>Carries sealed-day events to every node's WatchReadiness subscribers.</summary>
public interface IReadinessFeed
{
    Task PublishAsync(SealedDayEvent sealedDay);

    /// <summary>Starts receiving the project's events at once; dispose to stop.</summary>
    ReadinessWatch Watch(string project);
}

public sealed class ReadinessWatch(ChannelReader<SealedDayEvent> events, Action stop) : IDisposable
{
    public ChannelReader<SealedDayEvent> Events => events;

    public void Dispose() => stop();
}
