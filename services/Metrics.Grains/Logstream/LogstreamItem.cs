namespace Metrics.Grains.Logstream;

/// <summary>One record of a stored batch, as delivered to one subscriber.</summary>
public readonly record struct LogstreamItem(StoredBatch Stored, int Index, ulong DroppedBefore)
{
    public LogstreamCursor Cursor => new(Stored.Id, Index);
}
