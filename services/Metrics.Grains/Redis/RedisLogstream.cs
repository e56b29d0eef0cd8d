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
            if (!StreamId.TryParse(page[PageSize].Id!, out expected))
                throw new InvalidDataException($"Logstream entry of {project} has the ID \"{page[PageSize].Id}\"");
        }
    }

    public async Task<StreamId?> OldestAsync(string project)
    {
        var first = await RedisGuard.Call(() => Db.StreamRangeAsync(RedisKeys.Logstream(project), Oldest, Newest, 1, Order.Ascending));
        return first.Length == 0 ? null : RedisLogstreamEntries.Read(project, first[0]).Id;
    }
}
