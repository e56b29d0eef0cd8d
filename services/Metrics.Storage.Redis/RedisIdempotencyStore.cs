using Metrics.Domain;
using Metrics.Grains.Ingestion;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// The Redis deployment's idempotency keys: one Redis string each, expiring after the retention, holding the
/// fingerprint of the request the key names — followed by <c>:applied</c> once that request was applied whole.
/// </summary>
internal sealed class RedisIdempotencyStore(IConnectionMultiplexer redis) : IIdempotencyStore
{
    private const string AppliedSuffix = ":applied";

    /// <summary>What keys applied before fingerprints were kept hold: applied whole, by a request no longer known.</summary>
    private const string AppliedWithoutFingerprint = "1";

    /// <summary>SET NX that answers what it found: the claim and its check are one step, however many callers race.</summary>
    private const string Claim = """
        local found = redis.call('GET', KEYS[1])
        if found then return found end
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
        return false
        """;

    private static readonly long RetentionSeconds = (long)IdempotencyKey.Retention.TotalSeconds;

    public async Task<IdempotencyClaim> ClaimAsync(string project, string key, string fingerprint)
    {
        var found = await RedisGuard.Call(() => redis.GetDatabase().ScriptEvaluateAsync(
            Claim, [RedisKeys.Idempotency(project, key)], [fingerprint, RetentionSeconds]));
        if (found.IsNull)
            return IdempotencyClaim.Claimed;
        var stored = (string)found!;
        return stored == fingerprint ? IdempotencyClaim.ClaimedBefore
            : stored == fingerprint + AppliedSuffix || stored == AppliedWithoutFingerprint ? IdempotencyClaim.Applied
            : IdempotencyClaim.OtherRequest;
    }

    public Task MarkAppliedAsync(string project, string key, string fingerprint) =>
        RedisGuard.Call(() => redis.GetDatabase().StringSetAsync(
            RedisKeys.Idempotency(project, key), fingerprint + AppliedSuffix, IdempotencyKey.Retention));
}
