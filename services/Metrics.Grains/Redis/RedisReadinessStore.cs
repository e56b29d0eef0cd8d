using Metrics.Grains.Readiness;
using StackExchange.Redis;

namespace Metrics.Grains.Redis;

/// <summary>The Redis deployment's readiness store: the state of each readiness grain under one key.</summary>
public sealed class RedisReadinessStore(IConnectionMultiplexer redis, RedisPayloads payloads) : IReadinessStore
{
    public async Task<ReadinessState> LoadAsync(string key)
    {
        var stored = await RedisGuard.Call(() => redis.GetDatabase().StringGetAsync(RedisKeys.Readiness(key)));
        return stored.IsNull ? ReadinessState.Empty : payloads.Read<StoredReadiness>(stored).ToState();
    }

    public Task SaveAsync(string key, ReadinessState state) =>
        RedisGuard.Call(() => redis.GetDatabase().StringSetAsync(RedisKeys.Readiness(key), payloads.Write(StoredReadiness.Of(state))));
}
