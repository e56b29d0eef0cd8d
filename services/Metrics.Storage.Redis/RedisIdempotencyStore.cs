using Metrics.Domain;
using Metrics.Grains.Ingestion;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// The Redis deployment's idempotency keys: one Redis string each, expiring after the retention, holding the
/// fingerprint of the request the key names and its first day of ingestion (<c>fingerprint@yyyy-MM-dd</c>) —
/// followed by <c>:applied</c> once that request was applied whole.
/// </summary>
internal sealed class RedisIdempotencyStore(IConnectionMultiplexer redis) : IIdempotencyStore
{
    private const string AppliedSuffix = ":applied";

    /// <summary>SET NX that answers what it found: the claim and its check are one step, however many callers race.</summary>
    private const string Claim = """
        local found = redis.call('GET', KEYS[1])
        if found then return found end
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
        return false
        """;

    /// <summary>DEL only while the key still holds the claim given: neither applied since, nor another request's.</summary>
    private const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return false
        """;

    private static readonly long RetentionSeconds = (long)IdempotencyKey.Retention.TotalSeconds;

    public async Task<KeyClaim> ClaimAsync(string project, string key, string fingerprint, PacificDay ingestionDay)
    {
        var found = await RedisGuard.Call(() => redis.GetDatabase().ScriptEvaluateAsync(
            Claim, [RedisKeys.Idempotency(project, key)], [Value(fingerprint, ingestionDay), RetentionSeconds]));
        if (found.IsNull)
            return new KeyClaim(IdempotencyClaim.Claimed, ingestionDay);
        var stored = (string)found!;
        var applied = stored.EndsWith(AppliedSuffix, StringComparison.Ordinal);
        var (storedFingerprint, storedDay) = Parse(applied ? stored[..^AppliedSuffix.Length] : stored);
        return new KeyClaim(
            storedFingerprint != fingerprint ? IdempotencyClaim.OtherRequest
            : applied ? IdempotencyClaim.Applied
            : IdempotencyClaim.ClaimedBefore,
            storedDay);
    }

    public Task MarkAppliedAsync(string project, string key, string fingerprint, PacificDay ingestionDay) =>
        RedisGuard.Call(() => redis.GetDatabase().StringSetAsync(
            RedisKeys.Idempotency(project, key), Value(fingerprint, ingestionDay) + AppliedSuffix, IdempotencyKey.Retention));

    public Task ReleaseAsync(string project, string key, string fingerprint, PacificDay ingestionDay) => RedisGuard.Call(() =>
        redis.GetDatabase().ScriptEvaluateAsync(Release, [RedisKeys.Idempotency(project, key)], [Value(fingerprint, ingestionDay)]));

    private static string Value(string fingerprint, PacificDay ingestionDay) => $"{fingerprint}@{ingestionDay}";

    private static (string Fingerprint, PacificDay IngestionDay) Parse(string value)
    {
        var at = value.LastIndexOf('@');
        return at > 0 && PacificDay.TryParse(value[(at + 1)..], out var day)
            ? (value[..at], day)
            : throw new InvalidDataException($"the idempotency key's value \"{value}\" is not fingerprint@date");
    }
}
