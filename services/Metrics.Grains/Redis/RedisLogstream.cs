using System.Runtime.CompilerServices;
using Metrics.Grains.Logstream;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Metrics.Grains.Redis;

/// <summary>The Redis deployment's Logstream: a Redis stream per project, trimmed to the newest <c>MaxEntries</c> batches.</summary>
public sealed class RedisLogstream(IConnectionMultiplexer redis, RedisLogstreamEntries entries, IOptions<LogstreamOptions> options)
    : ILogstreamWriter, ILogstreamHistory
{
    private const int PageSize = 256;

    private static readonly string AddRejected = $"""
        {RedisLogstreamEntries.AddScript(logstream: 1, maxLen: 1, metric: 2, date: 3, slice: 4, channel: 6, reason: 5)}
        return id
        """;

    private IDatabase Db => redis.GetDatabase();

    public Task AppendAsync(LogstreamBatch batch) => RedisGuard.Call(() => Db.ScriptEvaluateAsync(
        AddRejected,
        [RedisKeys.Logstream(batch.Project)],
        [
            options.Value.MaxEntries, batch.MetricName, batch.Date, entries.WriteSlice(RedisLogstreamEntries.SliceOf(batch)),
            batch.RejectReason ?? "", RedisKeys.LogstreamAppended(batch.Project).ToString(),
        ]));

    public async IAsyncEnumerable<StoredBatch> ReadBackwardAsync(string project, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RedisValue newest = "+";
        while (true)
        {
            var page = await ReadAsync(project, "-", newest, Order.Descending);
            foreach (var entry in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return entries.Read(project, entry);
            }
            if (page.Length < PageSize)
                yield break;
            newest = $"({page[^1].Id}";
        }
    }

    public async IAsyncEnumerable<StoredBatch> ReadForwardAsync(string project, StreamId from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RedisValue oldest = from.ToString();
        while (true)
        {
            var page = await ReadAsync(project, oldest, "+", Order.Ascending);
            foreach (var entry in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return entries.Read(project, entry);
            }
            if (page.Length < PageSize)
                yield break;
            oldest = $"({page[^1].Id}";
        }
    }

    public async Task<StreamId?> OldestAsync(string project)
    {
        var first = await RedisGuard.Call(() => Db.StreamRangeAsync(RedisKeys.Logstream(project), "-", "+", 1, Order.Ascending));
        return first.Length == 0 ? null : entries.Read(project, first[0]).Id;
    }

    private Task<StreamEntry[]> ReadAsync(string project, RedisValue min, RedisValue max, Order order) =>
        RedisGuard.Call(() => Db.StreamRangeAsync(RedisKeys.Logstream(project), min, max, PageSize, order));
}
