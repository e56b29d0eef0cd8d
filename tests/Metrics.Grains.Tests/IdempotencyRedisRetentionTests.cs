using Metrics.Domain;
using Metrics.Grains.Ingestion;
using Metrics.Storage.Redis;
using StackExchange.Redis;

namespace Metrics.Grains.Tests;

/// <summary>
/// SPEC §3 in the Redis deployment: a key claimed, and again once its request is applied, expires after
/// <see cref="IdempotencyKey.Retention"/> (7 days) and no sooner; a refused request's release frees it at once.
/// </summary>
public sealed class IdempotencyRedisRetentionTests : IAsyncLifetime
{
    private const string Project = "p";
    private static readonly PacificDay Day = new(new DateOnly(2026, 6, 1));

    private RedisServerProcess _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AClaimedAndAnAppliedKeyExpireAfterSevenDays()
    {
        var store = new RedisIdempotencyStore(_connection);
        Assert.Equal(IdempotencyClaim.Claimed, (await store.ClaimAsync(Project, "k", "f1", Day)).Status);
        AssertExpiresAfterTheRetention(await TimeToLiveAsync("k"));

        await store.MarkAppliedAsync(Project, "k", "f1", Day);
        AssertExpiresAfterTheRetention(await TimeToLiveAsync("k"));
        Assert.Equal(IdempotencyClaim.Applied, (await store.ClaimAsync(Project, "k", "f1", Day)).Status);
        Assert.Equal(IdempotencyClaim.OtherRequest, (await store.ClaimAsync(Project, "k", "f2", Day)).Status);

        Assert.Equal(IdempotencyClaim.Claimed, (await store.ClaimAsync(Project, "released", "f1", Day)).Status);
        await store.ReleaseAsync(Project, "released", "f1", Day);
        Assert.Equal(IdempotencyClaim.Claimed, (await store.ClaimAsync(Project, "released", "f2", Day)).Status);
    }

    private async Task<TimeSpan> TimeToLiveAsync(string key) =>
        await _connection.GetDatabase().KeyTimeToLiveAsync(RedisKeys.Idempotency(Project, key)) ?? TimeSpan.Zero;

    private static void AssertExpiresAfterTheRetention(TimeSpan ttl) =>
        Assert.InRange(ttl, IdempotencyKey.Retention - TimeSpan.FromMinutes(1), IdempotencyKey.Retention);
}
