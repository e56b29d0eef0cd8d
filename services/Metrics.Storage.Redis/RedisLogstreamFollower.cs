using System.Threading.Channels;
using Metrics.Grains.Logstream;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// Reads each project's Logstream stream once for this node, while the node has subscribers to it, and hands the
/// batches to the hub in stream order. A pub/sub message per appended entry wakes the reader; a short poll covers
/// messages lost while Redis was away. Entries are numbered as they are added: a gap in the numbers read is entries
/// retention removed before this node read them (it fell behind: a pause, a flood, a small byte quota), and the hub
/// tells the subscribers how many.
/// </summary>
internal sealed class RedisLogstreamFollower(
    IConnectionMultiplexer redis, LogstreamHub hub, ILogger<RedisLogstreamFollower> logger)
    : ILogstreamFollower, IDisposable
{
    /// <summary>
    /// What one read may bring at most: a lagging follower catches up a few megabytes at a time, however large the
    /// batches (a read still takes one entry past the budget).
    /// </summary>
    private const int ReadEntries = 1000;
    private const long ReadBytes = 4 << 20;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, Task> _readers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();

    public Task FollowAsync(string project)
    {
        lock (_gate)
        {
            if (_readers.TryGetValue(project, out var started))
                return started;
            var starting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _readers[project] = starting.Task;
            _ = Task.Run(() => ReadAsync(project, starting));
            return starting.Task;
        }
    }

    public void Dispose() => _stopping.Cancel();

    private async Task ReadAsync(string project, TaskCompletionSource starting)
    {
        var key = RedisKeys.Logstream(project);
        var channel = RedisKeys.LogstreamAppended(project);
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        Action<RedisChannel, RedisValue> onAppended = (_, _) => wake.Writer.TryWrite(true);
        var db = redis.GetDatabase();
        RedisValue last;
        long? number;
        try
        {
            await RedisGuard.Call(() => redis.GetSubscriber().SubscribeAsync(channel, onAppended));
            var newest = await RedisGuard.Call(() => db.StreamRangeAsync(key, "-", "+", 1, Order.Descending));
            (last, number) = newest.Length == 0 ? ("0-0", 0) : (newest[0].Id, RedisLogstreamEntries.Number(newest[0]));
        }
        catch (Exception e)
        {
            Stop(project);
            await UnsubscribeAsync(channel, onAppended);
            starting.SetException(e);
            return;
        }
        starting.SetResult();

        while (!_stopping.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (!hub.HasSubscribers(project))
                {
                    _readers.Remove(project);
                    break;
                }
            }
            try
            {
                var (page, atEnd) = await LogstreamReadAhead.ReadAfterAsync(db, key, last, ReadEntries, ReadBytes);
                foreach (var entry in page)
                {
                    var next = RedisLogstreamEntries.Number(entry);
                    if (next is { } n && number is { } previous && n > previous + 1)
                        hub.Lost(project, n - previous - 1);
                    number = next;
                    hub.Deliver(RedisLogstreamEntries.Read(project, entry));
                }
                if (page.Length > 0)
                    last = page[^1].Id;
                if (atEnd)
                    await WaitAsync(wake.Reader);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Logstream of {Project}: reading from Redis failed; retrying", project);
                await Task.Delay(RetryAfterFailure);
            }
        }
        await UnsubscribeAsync(channel, onAppended);
    }

    private async Task WaitAsync(ChannelReader<bool> wake)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(Poll);
        try
        {
            await wake.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Stop(string project)
    {
        lock (_gate)
            _readers.Remove(project);
    }

    private async Task UnsubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue> handler)
    {
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(channel, handler);
        }
        catch (RedisException)
        {
            // Not connected: the subscription ended with the connection.
        }
    }
}
