using System.Runtime.CompilerServices;

namespace Metrics.Grains.Logstream;

/// <summary>
/// What one subscriber reads: retained entries first (the most recent <c>backlog</c> matches, or everything after
/// a cursor), then live entries, with no gap and no repeat between the two.
/// </summary>
public sealed class LogstreamFeed(LogstreamHub hub, ILogstreamHistory history, ILogstreamFollower follower)
{
    /// <summary>
    /// Throws <see cref="CursorOutOfRangeException"/> when entries after the cursor are no longer retained, or when
    /// the cursor is beyond the newest entry (on an empty Logstream, every cursor is): such a cursor was never given
    /// by this Logstream, and resuming after it would skip, unannounced, every entry up to it. An entry appended
    /// since the window was read only moves the newest further.
    /// </summary>
    public async Task EnsureRetainedAsync(string project, LogstreamCursor cursor)
    {
        var window = await history.WindowAsync(project);
        if (window is not { } retained || cursor.Batch > retained.Newest)
            throw CursorOutOfRangeException.Ahead(cursor, window?.Newest);
        if (cursor.Batch < retained.Oldest)
            throw CursorOutOfRangeException.Expired(cursor, retained.Oldest);
    }

    /// <summary>Starts receiving live entries; <see cref="ReadAsync"/> then replays and follows.</summary>
    public async Task<LogstreamSubscription> SubscribeAsync(string project, LogstreamFilter filter)
    {
        var subscription = hub.Subscribe(project, filter);
        try
        {
            await follower.FollowAsync(project);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
        return subscription;
    }

    /// <summary>
    /// Entries trimmed by retention while a replay after a cursor was being read (a subscriber resuming from an old
    /// cursor that reads more slowly than the project ingests) are lost: the next entry delivered, replayed or
    /// live, says so in <see cref="LogstreamItem.DroppedBefore"/> — at least 1, as their number went with them.
    /// </summary>
    public async IAsyncEnumerable<LogstreamItem> ReadAsync(
        LogstreamSubscription live,
        int backlog,
        LogstreamCursor? after,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Live entries buffered since Subscribe that the replay also holds are skipped below.
        var (project, filter) = (live.Project, live.Filter);
        LogstreamCursor? last = after;
        ulong trimmed = 0;

        if (after is { } cursor)
        {
            await foreach (var replayed in history.ReadForwardAsync(project, cursor.Batch, cancellationToken))
            {
                if (replayed.TrimmedBefore)
                    trimmed = 1;
                foreach (var index in filter.Matches(replayed.Stored.Batch))
                {
                    var item = new LogstreamItem(replayed.Stored, index, trimmed);
                    if (item.Cursor <= cursor)
                        continue;
                    trimmed = 0;
                    last = item.Cursor;
                    yield return item;
                }
            }
        }
        else
        {
            await foreach (var item in ReplayLatestAsync(project, filter, backlog, cancellationToken))
            {
                last = item.Cursor;
                yield return item;
            }
        }

        await foreach (var item in live.ReadAllAsync(cancellationToken))
        {
            if (last is { } seen && item.Cursor <= seen)
                continue;
            yield return item with { DroppedBefore = item.DroppedBefore + trimmed };
            trimmed = 0;
        }
    }

    private async IAsyncEnumerable<LogstreamItem> ReplayLatestAsync(
        string project, LogstreamFilter filter, int backlog, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (backlog == 0)
            yield break;
        var items = new List<LogstreamItem>(backlog);
        await foreach (var stored in history.ReadBackwardAsync(project, cancellationToken))
        {
            foreach (var index in filter.Matches(stored.Batch).Reverse())
            {
                items.Add(new LogstreamItem(stored, index, 0));
                if (items.Count == backlog)
                    break;
            }
            if (items.Count == backlog)
                break;
        }
        items.Reverse();
        foreach (var item in items)
            yield return item;
    }
}
