using System.Collections.Immutable;
using Metrics.Grains.Readiness;
using Metrics.Grains.Telemetry;
using Microsoft.Extensions.Options;

namespace Metrics.Grains.Logstream;

/// <summary>This node's fan-out of Logstream batches to its local subscribers, per project.</summary>
public sealed class LogstreamHub(IOptions<LogstreamOptions> options, IProjectQuotas quotas, ProductMeters meters)
{
    private ImmutableDictionary<string, ImmutableList<LogstreamSubscription>> _subscribers =
        ImmutableDictionary<string, ImmutableList<LogstreamSubscription>>.Empty;

    /// <summary>Throws <see cref="SubscriberLimitException"/> when the project has its quota of subscribers on this node.</summary>
    public LogstreamSubscription Subscribe(string project, LogstreamFilter filter)
    {
        var subscription = new LogstreamSubscription(project, filter, options.Value.SubscriberBuffer, Unsubscribe);
        var limit = quotas.For(project).LogstreamSubscribers;
        ImmutableInterlocked.Update(ref _subscribers, all =>
        {
            var list = all.GetValueOrDefault(project) ?? [];
            if (list.Count >= limit)
                throw new SubscriberLimitException(project, limit);
            return all.SetItem(project, list.Add(subscription));
        });
        CountSubscribers(project);
        return subscription;
    }

    public bool HasSubscribers(string project) => _subscribers.ContainsKey(project);

    public void Deliver(StoredBatch stored)
    {
        if (!_subscribers.TryGetValue(stored.Batch.Project, out var subscribers))
            return;
        var dropped = 0L;
        foreach (var subscriber in subscribers)
            dropped += subscriber.Offer(stored);
        meters.Dropped(stored.Batch.Project, dropped);
    }

    /// <summary>
    /// <paramref name="count"/> entries of the project were removed by retention before this node read them: each
    /// subscriber is told, with the next entry it gets (whatever its filter: which of them it wanted went with them).
    /// </summary>
    public void Lost(string project, long count)
    {
        if (!_subscribers.TryGetValue(project, out var subscribers))
            return;
        foreach (var subscriber in subscribers)
            subscriber.Lost((ulong)count);
        meters.Dropped(project, count * subscribers.Count);
    }

    private void Unsubscribe(LogstreamSubscription subscription)
    {
        ImmutableInterlocked.Update(ref _subscribers, all =>
        {
            if (!all.TryGetValue(subscription.Project, out var list))
                return all;
            var rest = list.Remove(subscription);
            return rest.IsEmpty ? all.Remove(subscription.Project) : all.SetItem(subscription.Project, rest);
        });
        CountSubscribers(subscription.Project);
    }

    private void CountSubscribers(string project) => meters.Subscribers(project, _subscribers.GetValueOrDefault(project)?.Count ?? 0);
}
