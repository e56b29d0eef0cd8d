using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// The Redis deployment's Logstream: a Redis stream per project, trimmed to the newest <c>MaxEntries</c> batches
/// and its project's <c>LogstreamBytes</c> quota. Every entry, accepted slice or refused request, goes in through one script, which
/// a metric-day store extends with its own write (<see cref="RedisLogstreamPrelude"/>) to append both in one round trip.
/// </summary>
internal sealed class RedisLogstream(IConnectionMultiplexer redis, IOptions<LogstreamOptions> options, IProjectQuotas quotas)
    : ILogstreamWriter, ILogstreamHistory
{
    private const int PageSize = 256;
    private static readonly RedisValue Oldest = "-";
    private static readonly RedisValue Newest = "+";

    /// <summary>The append script's reply when its prelude refused the append: <c>{PreludeRefused, ...}</c>.</summary>
    public const int PreludeRefused = 0;

    /// <summary>The append script's reply when it added the entry: <c>{Appended, entry ID}</c>.</summary>
    public const int Appended = 1;

    private static readonly ConcurrentDictionary<RedisLogstreamPrelude, string> Scripts = new();

    /// <summary>The IDs of the stream's first and last entries, read in one step (nil for an empty stream).</summary>
    private const string WindowScript = """
        local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
        if #first == 0 then
          return false
        end
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        return {first[1][1], last[1][1]}
        """;

    private IDatabase Db => redis.GetDatabase();

    public Task AppendAsync(LogstreamBatch batch) => AppendAsync(
        batch, StoredSlices.Write(RedisLogstreamEntries.SliceOf(batch)), RedisLogstreamPrelude.None, [], []);

    /// <summary>The accepted slice of a metric-day, after the store's own write in <paramref name="prelude"/>.</summary>
    public Task<RedisResult[]> AppendAsync(MetricDayId id, MetricSlice slice, RedisLogstreamPrelude prelude, RedisKey[] keys, RedisValue[] values) =>
        AppendAsync(LogstreamBatch.Accepted(id, slice), StoredSlices.Write(slice), prelude, keys, values);

    private async Task<RedisResult[]> AppendAsync(
        LogstreamBatch batch, byte[] slice, RedisLogstreamPrelude prelude, RedisKey[] keys, RedisValue[] values)
    {
        var script = Scripts.GetOrAdd(prelude, Compose);
        var project = batch.Project;
        RedisKey[] allKeys =
        [
            .. keys, RedisKeys.Logstream(project), RedisKeys.LogstreamSizes(project), RedisKeys.LogstreamBytes(project),
            RedisKeys.LogstreamSequence(project),
        ];
        RedisValue[] allValues =
        [
            .. values, slice, options.Value.MaxEntries, quotas.For(project).LogstreamBytes, batch.MetricName, batch.Date,
            RedisKeys.LogstreamAppended(project).ToString(), RedisLogstreamEntries.WriteRejection(batch.Rejection),
            RedisLogstreamEntries.WriteSource(batch.Source),
        ];
        return (RedisResult[])(await RedisGuard.Call(() => Db.ScriptEvaluateAsync(script, allKeys, allValues)))!;
    }

    /// <summary>
    /// The prelude, then: add the entry, numbered; list its ID and size (the bytes of its fields); drop the oldest listed
    /// entries while the stream holds more than maxLen entries or maxBytes bytes, always keeping the newest; wake
    /// the nodes that follow the stream. Entries from before sizes were listed are trimmed by count alone.
    /// </summary>
    private static string Compose(RedisLogstreamPrelude prelude)
    {
        var (k, a) = (prelude.KeyCount, prelude.ArgumentCount);
        return $$"""
            local slice = ARGV[{{a + 1}}]
            {{prelude.Lua}}
            local stream, sizes, bytesKey, sequence = KEYS[{{k + 1}}], KEYS[{{k + 2}}], KEYS[{{k + 3}}], KEYS[{{k + 4}}]
            local maxLen, maxBytes = tonumber(ARGV[{{a + 2}}]), tonumber(ARGV[{{a + 3}}])
            local metric, date, channel, rejection = ARGV[{{a + 4}}], ARGV[{{a + 5}}], ARGV[{{a + 6}}], ARGV[{{a + 7}}]
            local source = ARGV[{{a + 8}}]
            local fields = {'m', metric, 'd', date, 's', slice, 'n', redis.call('INCR', sequence)}
            if rejection ~= '' then
              table.insert(fields, 'x')
              table.insert(fields, rejection)
            end
            if source ~= '' then
              table.insert(fields, 'o')
              table.insert(fields, source)
            end
            local id = redis.call('XADD', stream, '*', unpack(fields))
            local size = #metric + #date + #slice + #rejection + #source
            redis.call('RPUSH', sizes, id, size)
            local bytes = redis.call('INCRBY', bytesKey, size)
            local length = redis.call('XLEN', stream)
            local listed = redis.call('LLEN', sizes) / 2
            local trimmed = false
            while listed > 1 and (length > maxLen or bytes > maxBytes) do
              local oldest = redis.call('LPOP', sizes, 2)
              bytes = redis.call('DECRBY', bytesKey, tonumber(oldest[2]))
              listed = listed - 1
              length = length - 1
              trimmed = true
            end
            if trimmed then
              redis.call('XTRIM', stream, 'MINID', redis.call('LINDEX', sizes, 0))
            end
            if redis.call('XLEN', stream) > maxLen then
              redis.call('XTRIM', stream, 'MAXLEN', maxLen)
            end
            redis.call('SPUBLISH', channel, id)
            return {{{Appended}}, id}
            """;
    }

    public async IAsyncEnumerable<StoredBatch> ReadBackwardAsync(string project, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = RedisKeys.Logstream(project);
        var end = Newest;
        while (true)
        {
            var page = await RedisGuard.Call(() => Db.StreamRangeAsync(key, Oldest, end, PageSize, Order.Descending));
            foreach (var entry in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return RedisLogstreamEntries.Read(project, entry);
            }
            if (page.Length < PageSize)
                yield break;
            end = $"({page[^1].Id}"; // exclusive: the next page starts before the last entry read
        }
    }

    /// <summary>
    /// A page at a time, each read with one entry more than it yields: that entry, the next expected, starts the
    /// next page. When the next page starts elsewhere, retention trimmed it (and what followed) in between.
    /// </summary>
    public async IAsyncEnumerable<ReplayedBatch> ReadForwardAsync(string project, StreamId from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = RedisKeys.Logstream(project);
        var expected = from;
        while (true)
        {
            var start = expected.ToString();
            var page = await RedisGuard.Call(() => Db.StreamRangeAsync(key, start, Newest, PageSize + 1, Order.Ascending));
            var yielded = Math.Min(page.Length, PageSize);
            for (var i = 0; i < yielded; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stored = RedisLogstreamEntries.Read(project, page[i]);
                yield return new ReplayedBatch(stored, i == 0 && stored.Id != expected);
            }
            if (page.Length <= PageSize)
                yield break;
            expected = RedisLogstreamEntries.ReadId(project, page[PageSize].Id!);
        }
    }

    public async Task<LogstreamWindow?> WindowAsync(string project)
    {
        var reply = await RedisGuard.Call(() => Db.ScriptEvaluateAsync(WindowScript, [RedisKeys.Logstream(project)]));
        if (reply.IsNull)
            return null;
        var ids = (string[])reply!;
        return new LogstreamWindow(RedisLogstreamEntries.ReadId(project, ids[0]), RedisLogstreamEntries.ReadId(project, ids[1]));
    }
}
