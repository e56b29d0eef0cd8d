using System.Threading.Channels;

namespace Metrics.Grains.Logstream;

/// <summary>
/// One subscriber's live feed on this node. Delivery never waits: when the subscriber's buffer is full, entries
/// are dropped and the next entry that gets through carries the number lost before it.
/// </summary>
public sealed class LogstreamSubscription : IDisposable
{
    private readonly Channel<LogstreamItem> _items;
    private readonly Action<LogstreamSubscription> _unsubscribe;
    private readonly Lock _gate = new();
    private ulong _dropped;

    internal LogstreamSubscription(string project, LogstreamFilter filter, int capacity, Action<LogstreamSubscription> unsubscribe)
    {
        Project = project;
        Filter = filter;
        _unsubscribe = unsubscribe;
        _items = Channel.CreateBounded<LogstreamItem>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Project { get; }

    public LogstreamFilter Filter { get; }

    public ChannelReader<LogstreamItem> Items => _items.Reader;

    internal void Offer(StoredBatch stored)
    {
        lock (_gate)
        {
            foreach (var index in Filter.Matches(stored.Batch))
            {
                if (_items.Writer.TryWrite(new LogstreamItem(stored, index, _dropped)))
                    _dropped = 0;
                else
                    _dropped++;
            }
        }
    }

    public void Dispose() => _unsubscribe(this);
}
