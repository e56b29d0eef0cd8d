using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Metrics.Grains.Redis;

/// <summary>
/// The Redis deployment's metric-day store. A write is one Lua script that checks the day's version and then,
/// for an append, pushes the slice onto the day's journal and adds it to the project's Logstream — so a slice is
/// either stored and visible, or neither, and its cost never grows with the day. The seal replaces the journal
/// with the compact snapshot.
/// </summary>
public sealed class RedisMetricDayStore(
    IConnectionMultiplexer redis, IOptions<LogstreamOptions> options)
    : IMetricDayStore
{
    private const string Version = "version";
    private const string Sealed = "sealed";

    private const string CheckVersion = """
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if version ~= tonumber(ARGV[1]) then return {0, version} end
        """;

    private static readonly string Append = $$"""
        {{CheckVersion}}
        redis.call('RPUSH', KEYS[2], ARGV[2])
        redis.call('HSET', KEYS[1], 'version', version + 1)
        {{RedisLogstreamEntries.AddScript(logstream: 3, maxLen: 3, metric: 4, date: 5, slice: 2, channel: 6)}}
        return {1, id}
        """;

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

    public Task AppendAsync(MetricDayId id, long expectedVersion, MetricSlice slice) => WriteAsync(id, Append,
        [RedisKeys.MetricDayHead(id), RedisKeys.MetricDayJournal(id), RedisKeys.Logstream(id.Project)],
        [
            expectedVersion, StoredSlices.Write(slice), options.Value.MaxEntries, id.MetricName, id.Day.ToString(),
            RedisKeys.LogstreamAppended(id.Project).ToString(),
        ]);

    public Task SealAsync(MetricDayId id, long expectedVersion, SealedMetricDay sealedDay) => WriteAsync(id, Seal,
        [RedisKeys.MetricDayHead(id), RedisKeys.MetricDayJournal(id)],
        [expectedVersion, StoredSealedDays.Write(sealedDay)]);

    private async Task WriteAsync(MetricDayId id, string script, RedisKey[] keys, RedisValue[] values)
    {
        var reply = (RedisResult[])(await RedisGuard.Call(() => Db.ScriptEvaluateAsync(script, keys, values)))!;
        if ((int)reply[0] == 0)
            throw new StoreConflictException($"{id}: expected version {values[0]}, found {(long)reply[1]}");
    }
}
