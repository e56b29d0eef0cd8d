using Metrics.Grains.MetricDays;
using StackExchange.Redis;

namespace Metrics.Grains.Redis;

/// <summary>
/// The Redis deployment's metric-day store. A write is one Lua script that checks the day's version and then,
/// for an append, pushes the slice onto the day's journal and adds it to the project's Logstream — the
/// Logstream's own script, which the append extends — so a slice is either stored and visible, or neither, and
/// its cost never grows with the day. The seal replaces the journal with the compact snapshot.
/// </summary>
public sealed class RedisMetricDayStore(IConnectionMultiplexer redis, RedisLogstream logstream) : IMetricDayStore
{
    private const string Version = "version";
    private const string Sealed = "sealed";

    private const string CheckVersion = """
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if version ~= tonumber(ARGV[1]) then return {0, version} end
        """;

    /// <summary>Runs before the Logstream entry is added, in the same script: KEYS[1] head, KEYS[2] journal, ARGV[1] expected version.</summary>
    private static readonly RedisLogstreamPrelude Append = new($"""
        {CheckVersion}
        redis.call('RPUSH', KEYS[2], slice)
        redis.call('HSET', KEYS[1], 'version', version + 1)
        """, KeyCount: 2, ArgumentCount: 1);

    private static readonly string Seal = $$"""
        {{CheckVersion}}
        redis.call('HSET', KEYS[1], 'version', version + 1, 'sealed', ARGV[2])
        redis.call('DEL', KEYS[2])
        return {1, version + 1}
        """;

    private IDatabase Db => redis.GetDatabase();

    public async Task<MetricDayLog> LoadAsync(MetricDayId id)
    {
        var read = Db.CreateTransaction();
        var head = read.HashGetAllAsync(RedisKeys.MetricDayHead(id));
        var journal = read.ListRangeAsync(RedisKeys.MetricDayJournal(id));
        await RedisGuard.Call(() => read.ExecuteAsync());
        var fields = (await head).ToDictionary(f => (string)f.Name!, f => f.Value);
        var version = fields.TryGetValue(Version, out var v) ? (long)v : 0;
        var sealedDay = fields.TryGetValue(Sealed, out var s) ? StoredSealedDays.Read((byte[])s!) : null;
        return new MetricDayLog(version, sealedDay, (await journal).Select(s => StoredSlices.Read((byte[])s!)).ToArray());
    }

    public async Task AppendAsync(MetricDayId id, long expectedVersion, MetricSlice slice) => ThrowOnConflict(id, expectedVersion,
        await logstream.AppendAsync(id, slice, Append, [RedisKeys.MetricDayHead(id), RedisKeys.MetricDayJournal(id)], [expectedVersion]));

    public Task SealAsync(MetricDayId id, long expectedVersion, SealedMetricDay sealedDay) => WriteAsync(id, Seal,
        [RedisKeys.MetricDayHead(id), RedisKeys.MetricDayJournal(id)],
        [expectedVersion, StoredSealedDays.Write(sealedDay)]);

    private async Task WriteAsync(MetricDayId id, string script, RedisKey[] keys, RedisValue[] values)
    {
        var reply = (RedisResult[])(await RedisGuard.Call(() => Db.ScriptEvaluateAsync(script, keys, values)))!;
        ThrowOnConflict(id, (long)values[0], reply);
    }

    private static void ThrowOnConflict(MetricDayId id, long expectedVersion, RedisResult[] reply)
    {
        if ((int)reply[0] == RedisLogstream.PreludeRefused)
            throw new StoreConflictException($"{id}: expected version {expectedVersion}, found {(long)reply[1]}");
    }
}
