using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Metrics.Grains.Logstream;

/// <summary>
/// One subscriber's live feed on this node. Delivery never waits: batches queue whole while fewer entries than
/// the capacity wait to be read, and are dropped once the subscriber is that far behind — so a subscriber that
/// keeps up never loses an entry, however large a batch. The next entry that gets through carries the number
/// lost before it.
/// </summary>
public sealed class LogstreamSubscription : IDisposable
{
    private sealed record Pending(StoredBatch Stored, int[] Indexes, ulong DroppedBefore);

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Action<LogstreamSubscription> _unsubscribe;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private int _queued;
    private ulong _dropped;

    internal LogstreamSubscription(string project, LogstreamFilter filter, int capacity, Action<LogstreamSubscription> unsubscribe)
    {
        Project = project;
        Filter = filter;
        _capacity = capacity;
        _unsubscribe = unsubscribe;
    }

    public string Project { get; }

    public LogstreamFilter Filter { get; }

    public async IAsyncEnumerable<LogstreamItem> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var pending in _pending.Reader.ReadAllAsync(cancellationToken))
        {
            lock (_gate)
                _queued -= pending.Indexes.Length;
            for (var i = 0; i < pending.Indexes.Length; i++)
            {
                var moreReady = i < pending.Indexes.Length - 1 || Volatile.Read(ref _queued) > 0;
                yield return new LogstreamItem(pending.Stored, pending.Indexes[i], i == 0 ? pending.DroppedBefore : 0, moreReady);
            }
        }
    }

    /// <summary>Queues the batch's entries this subscriber wants; returns how many of them it lost (it was too far behind).</summary>
    internal int Offer(StoredBatch stored)
    {
        var indexes = Filter.Matches(stored.Batch).ToArray();
        if (indexes.Length == 0)
            return 0;
        lock (_gate)
        {
            if (_queued >= _capacity)
            {
                _dropped += (ulong)indexes.Length;
                return indexes.Length;
            }
            _pending.Writer.TryWrite(new Pending(stored, indexes, _dropped));
            _queued += indexes.Length;
            _dropped = 0;
            return 0;
        }
    }

    /// <summary>Entries of the project lost before this node read them (retention overtook it): the next entry delivered says so.</summary>
    internal void Lost(ulong count)
    {
        lock (_gate)
            _dropped += count;
    }

    public void Dispose() => _unsubscribe(this);
}
