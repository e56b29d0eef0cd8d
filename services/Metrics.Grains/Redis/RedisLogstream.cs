using System.Runtime.CompilerServices;
using Metrics.Grains.Logstream;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Metrics.Grains.Redis;

/// <summary>The Redis deployment's Logstream: a Redis stream per project, trimmed to the newest <c>MaxEntries</c> batches.</summary>
public sealed class RedisLogstream(IConnectionMultiplexer redis, IOptions<LogstreamOptions> options)
    : ILogstreamWriter, ILogstreamHistory
{
    private const int PageSize = 256;
    private static readonly RedisValue Oldest = "-";
    private static readonly RedisValue Newest = "+";

    private static readonly string AddRejected = $"""
        {RedisLogstreamEntries.AddScript(logstream: 1, maxLen: 1, metric: 2, date: 3, slice: 4, channel: 6, reason: 5)}
        return id
        """;

    private IDatabase Db => redis.GetDatabase();

    public Task AppendAsync(LogstreamBatch batch) => RedisGuard.Call(() => Db.ScriptEvaluateAsync(
        AddRejected,
        [RedisKeys.Logstream(batch.Project)],
        [
            options.Value.MaxEntries, batch.MetricName, batch.Date, StoredSlices.Write(RedisLogstreamEntries.SliceOf(batch)),
            batch.RejectReason ?? "", RedisKeys.LogstreamAppended(batch.Project).ToString(),
        ]));

    public IAsyncEnumerable<StoredBatch> ReadBackwardAsync(string project, CancellationToken cancellationToken) =>
        ReadAsync(project, Newest, Order.Descending, cancellationToken);

    public IAsyncEnumerable<StoredBatch> ReadForwardAsync(string project, StreamId from, CancellationToken cancellationToken) =>
        ReadAsync(project, from.ToString(), Order.Ascending, cancellationToken);

    public async Task<StreamId?> OldestAsync(string project)
    {
        var first = await RedisGuard.Call(() => Db.StreamRangeAsync(RedisKeys.Logstream(project), Oldest, Newest, 1, Order.Ascending));
        return first.Length == 0 ? null : RedisLogstreamEntries.Read(project, first[0]).Id;
    }

    /// <summary>Entries from <paramref name="start"/> (inclusive) in <paramref name="order"/>, a page at a time.</summary>
    private async IAsyncEnumerable<StoredBatch> ReadAsync(
        string project, RedisValue start, Order order, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = RedisKeys.Logstream(project);
        while (true)
        {
            var (min, max) = order == Order.Ascending ? (start, Newest) : (Oldest, start);
            var page = await RedisGuard.Call(() => Db.StreamRangeAsync(key, min, max, PageSize, order));
            foreach (var entry in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return RedisLogstreamEntries.Read(project, entry);
            }
            if (page.Length < PageSize)
                yield break;
            start = $"({page[^1].Id}"; // exclusive: the next page starts after the last entry read
        }
    }
}
