using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Metrics.Storage.Redis;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace Metrics.Grains.Tests;

/// <summary>
/// The Redis readiness store against a real redis-server, with two "activations": each loads the state, and each
/// writes with the version it loaded. Only the first write lands; the stored watermark never moves backwards.
/// </summary>
public sealed class ReadinessRedisStoreTests(ReadinessTestCluster fixture) : IClassFixture<ReadinessTestCluster>, IAsyncLifetime
{
    private const string Key = "store-test/metrics";
    private static readonly DateOnly Day = new(2026, 4, 2);

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
    public async Task AStaleActivationsWriteConflictsAndLeavesTheStateAsTheOtherWroteIt()
    {
        var store = Store();
        var first = await store.LoadAsync(Key);
        var second = await store.LoadAsync(Key);
        await store.SaveAsync(Key, second.Version, Register("revenue", Day));
        await store.SaveAsync(Key, second.Version + 1, ReadinessChange.Advance(EndOf(Day)));

        await Assert.ThrowsAsync<StoreConflictException>(() => store.SaveAsync(Key, first.Version, ReadinessChange.Advance(EndOf(Day) - 3600)));
        await Assert.ThrowsAsync<StoreConflictException>(() => store.SaveAsync(Key, first.Version, Register("other", Day)));

        var stored = await store.LoadAsync(Key);
        Assert.Equal(2, stored.Version);
        Assert.Equal(EndOf(Day), stored.Watermark);
        Assert.Equal(["revenue"], stored.OpenDays[Day]);
        Assert.Equal(["revenue"], stored.Catalog.Keys);
    }

    [Fact]
    public async Task TheStoredWatermarkNeverMovesBackwardsEvenWithTheRightVersion()
    {
        var store = Store();
        await store.SaveAsync(Key, 0, ReadinessChange.Advance(EndOf(Day)));

        await store.SaveAsync(Key, 1, ReadinessChange.Advance(EndOf(Day) - 3600));

        Assert.Equal(EndOf(Day), (await store.LoadAsync(Key)).Watermark);
    }

    [Fact]
    public async Task EveryChangeReloadsAsTheStateItMade()
    {
        var store = Store();
        var expected = ReadinessState.Empty;
        var sealedDay = new SealedDayEvent("store-test", Day, EndOf(Day), 2, DateTimeOffset.UnixEpoch.AddDays(20000));
        var restatement = new PendingRestatement("revenue", Day, 1, DateTimeOffset.UnixEpoch.AddDays(20001));
        ReadinessChange[] changes =
        [
            Register("revenue", Day), Register("clicks", Day), Register("revenue", Day.AddDays(1)),
            ReadinessChange.Advance(EndOf(Day)), ReadinessChange.Close([sealedDay]), ReadinessChange.Announce([Day]),
            ReadinessChange.Pend(restatement), ReadinessChange.Pend(restatement with { MetricName = "clicks" }),
            ReadinessChange.Resolve([restatement.Key]),
        ];
        foreach (var change in changes)
        {
            await store.SaveAsync(Key, expected.Version, change);
            expected = expected.Apply(change);
            var stored = await store.LoadAsync(Key);

            Assert.Equal((expected.Version, expected.Watermark, expected.OpenMetricDays), (stored.Version, stored.Watermark, stored.OpenMetricDays));
            Assert.Equal(expected.OpenDays.Select(d => (d.Key, string.Join(",", d.Value))), stored.OpenDays.Select(d => (d.Key, string.Join(",", d.Value))));
            Assert.Equal(expected.Catalog.Values, stored.Catalog.Values, CatalogEntryComparer.Instance);
            Assert.Equal(expected.Unannounced.Values, stored.Unannounced.Values);
            Assert.Equal(expected.PendingRestatements, stored.PendingRestatements);
        }
        Assert.Equal([Day.AddDays(1)], expected.OpenDays.Keys);
        Assert.Equal([$"{Day:yyyy-MM-dd}/clicks"], expected.PendingRestatements.Keys);
    }

    private RedisReadinessStore Store()
    {
        var serializer = ((InProcessSiloHandle)fixture.Cluster.Primary!).ServiceProvider.GetRequiredService<Serializer>();
        return new RedisReadinessStore(_connection, new RedisPayloads(serializer));
    }

    private static ReadinessChange Register(string metric, DateOnly day) =>
        new(0, [new MetricDayRef(metric, day)], [new CatalogEntry(metric, false, ["user_id"], day, day)], [], []);

    private static long EndOf(DateOnly day) => new PacificDay(day).EndUnixSeconds;

    /// <summary>Catalog entries by value: their ID types are arrays.</summary>
    private sealed class CatalogEntryComparer : IEqualityComparer<CatalogEntry>
    {
        public static readonly CatalogEntryComparer Instance = new();

        public bool Equals(CatalogEntry? x, CatalogEntry? y) =>
            x is not null && y is not null && x with { IdTypes = [] } == y with { IdTypes = [] } && x.IdTypes.SequenceEqual(y.IdTypes);

        public int GetHashCode(CatalogEntry entry) => entry.MetricName.GetHashCode();
    }
}
