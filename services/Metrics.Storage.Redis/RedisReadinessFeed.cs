using System.Threading.Channels;
using Metrics.Grains.Readiness;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>The Redis deployment's readiness feed: sealed-day events go out on a pub/sub channel per project to every node.</summary>
internal sealed class RedisReadinessFeed(IConnectionMultiplexer redis, RedisPayloads payloads) : IReadinessFeed
{
    public Task PublishAsync(SealedDayEvent sealedDay) =>
        RedisGuard.Call(() => redis.GetSubscriber().PublishAsync(RedisKeys.SealedDays(sealedDay.Project), payloads.Write(sealedDay)));

    public async Task<ReadinessWatch> WatchAsync(string project)
    {
        var messages = await RedisGuard.Call(() => redis.GetSubscriber().SubscribeAsync(RedisKeys.SealedDays(project)));
        var events = Channel.CreateUnbounded<SealedDayEvent>();
        messages.OnMessage(message => events.Writer.TryWrite(payloads.Read<SealedDayEvent>(message.Message)));
        return new ReadinessWatch(events.Reader, () => messages.Unsubscribe());
    }
}
