using System.Globalization;

namespace Metrics.Grains.Logstream;

/// <summary>Names one Logstream entry: its batch and the record's index in it, <c>{ms}-{seq}.{index}</c>.</summary>
public readonly record struct LogstreamCursor(StreamId Batch, int Index) : IComparable<LogstreamCursor>
{
    public static bool TryParse(string text, out LogstreamCursor cursor)
    {
        cursor = default;
        var dot = text.LastIndexOf('.');
        if (dot <= 0
            || !StreamId.TryParse(text[..dot], out var batch)
            || !int.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return false;
        cursor = new LogstreamCursor(batch, index);
        return true;
    }

    public int CompareTo(LogstreamCursor other)
    {
        var byBatch = Batch.CompareTo(other.Batch);
        return byBatch != 0 ? byBatch : Index.CompareTo(other.Index);
    }

    public static bool operator <=(LogstreamCursor a, LogstreamCursor b) => a.CompareTo(b) <= 0;
    public static bool operator >=(LogstreamCursor a, LogstreamCursor b) => a.CompareTo(b) >= 0;
    public static bool operator <(LogstreamCursor a, LogstreamCursor b) => a.CompareTo(b) < 0;
    public static bool operator >(LogstreamCursor a, LogstreamCursor b) => a.CompareTo(b) > 0;

    public override string ToString() => $"{Batch}.{Index}";
}
