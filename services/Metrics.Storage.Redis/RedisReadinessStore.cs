using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// The Redis deployment's readiness store: each readiness grain's state in a few keys (head, open days, one set per
/// open day, catalog, unannounced days, pending restatements), and each change written alone by one script that checks the version.
/// </summary>
internal sealed class RedisReadinessStore(IConnectionMultiplexer redis, RedisPayloads payloads) : IReadinessStore
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// The head, open days, catalog, unannounced days and pending restatements in one transaction, then the open days' metrics in a second,
    /// with the version again: when a change landed in between, the load starts over.
    /// </summary>
    public async Task<ReadinessState> LoadAsync(string key)
    {
        while (true)
        {
            var first = Db.CreateTransaction();
            var head = first.HashGetAllAsync(RedisKeys.ReadinessHead(key));
            var dates = first.SetMembersAsync(RedisKeys.ReadinessOpenDays(key));
            var catalog = first.HashGetAllAsync(RedisKeys.ReadinessCatalog(key));
            var unannounced = first.HashGetAllAsync(RedisKeys.ReadinessUnannounced(key));
            var restatements = first.HashGetAllAsync(RedisKeys.ReadinessRestatements(key));
            await RedisGuard.Call(() => first.ExecuteAsync());
            var fields = (await head).ToDictionary(f => (string)f.Name!, f => (long)f.Value);
            var version = fields.GetValueOrDefault(StoredReadiness.Version);
            var days = (await dates).Select(StoredReadiness.ParseDate).ToArray();

            var second = Db.CreateTransaction();
            var versionAgain = second.HashGetAsync(RedisKeys.ReadinessHead(key), StoredReadiness.Version);
            var metrics = days.Select(d => second.SetMembersAsync(RedisKeys.ReadinessOpenDay(key, d))).ToArray();
            await RedisGuard.Call(() => second.ExecuteAsync());
            if ((long)(await versionAgain) != version)
                continue;

            var openDays = new List<(DateOnly, IEnumerable<string>)>();
            for (var i = 0; i < days.Length; i++)
                openDays.Add((days[i], (await metrics[i]).Select(m => (string)m!)));
            return ReadinessState.Restore(
                version,
                fields.GetValueOrDefault(StoredReadiness.Watermark),
                openDays,
                (await catalog).Select(e => payloads.Read<CatalogEntry>(e.Value)),
                (await unannounced).Select(e => payloads.Read<SealedDayEvent>(e.Value)),
                (await restatements).Select(e => payloads.Read<PendingRestatement>(e.Value)));
        }
    }

    public async Task<long> VersionAsync(string key) =>
        (long)await RedisGuard.Call(() => Db.HashGetAsync(RedisKeys.ReadinessHead(key), StoredReadiness.Version));

    public async Task SaveAsync(string key, long expectedVersion, ReadinessChange change)
    {
        var (keys, values) = StoredReadiness.CommitArguments(key, expectedVersion, change, payloads);
        var reply = (RedisResult[])(await RedisGuard.Call(() => Db.ScriptEvaluateAsync(StoredReadiness.Commit, keys, values)))!;
        if ((int)reply[0] == StoredReadiness.Conflict)
            throw new StoreConflictException($"readiness of {key}: expected version {expectedVersion}, found {(long)reply[1]}");
    }
}
