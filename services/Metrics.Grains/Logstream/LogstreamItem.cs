namespace Metrics.Grains.Logstream;

/// <summary>
/// One record of a stored batch, as delivered to one subscriber. <see cref="MoreReady"/> says that the next item
/// is already waiting, so a reader may hold this one back and send both together.
/// </summary>
public readonly record struct LogstreamItem(StoredBatch Stored, int Index, ulong DroppedBefore, bool MoreReady = false)
{
    public LogstreamCursor Cursor => new(Stored.Id, Index);
}
