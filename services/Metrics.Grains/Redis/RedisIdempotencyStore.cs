using Metrics.Domain;
using Metrics.Grains.Ingestion;
using StackExchange.Redis;

namespace Metrics.Grains.Redis;

/// <summary>The Redis deployment's idempotency keys: one Redis key each, expiring after the retention.</summary>
public sealed class RedisIdempotencyStore(IConnectionMultiplexer redis) : IIdempotencyStore
{
    public Task<bool> IsAppliedAsync(string project, string key) =>
        RedisGuard.Call(() => redis.GetDatabase().KeyExistsAsync(RedisKeys.Idempotency(project, key)));

    public Task MarkAppliedAsync(string project, string key) =>
        RedisGuard.Call(() => redis.GetDatabase().StringSetAsync(RedisKeys.Idempotency(project, key), 1, IdempotencyKey.Retention));
}
