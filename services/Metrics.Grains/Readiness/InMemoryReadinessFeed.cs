using System.Collections.Immutable;
using System.Threading.Channels;

namespace Metrics.Grains.Readiness;

/// <summary>The embedded mode's readiness feed: in-process channels, one per watcher.</summary>
public sealed class InMemoryReadinessFeed : IReadinessFeed
{
    private ImmutableList<(string Project, Channel<SealedDayEvent> Channel)> _watchers = [];

    public Task PublishAsync(SealedDayEvent sealedDay)
    {
        foreach (var (project, channel) in _watchers)
            if (project == sealedDay.Project)
                channel.Writer.TryWrite(sealedDay);
        return Task.CompletedTask;
    }

    public Task<ReadinessWatch> WatchAsync(string project)
    {
        var watcher = (project, Channel.CreateUnbounded<SealedDayEvent>());
        ImmutableInterlocked.Update(ref _watchers, w => w.Add(watcher));
        return Task.FromResult(new ReadinessWatch(watcher.Item2.Reader, () => ImmutableInterlocked.Update(ref _watchers, w => w.Remove(watcher))));
    }
}
