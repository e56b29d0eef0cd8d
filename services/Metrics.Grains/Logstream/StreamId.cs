using System.Globalization;

namespace Metrics.Grains.Logstream;

/// <summary>The position of a batch in a project's Logstream, shaped like a Redis stream ID: <c>{ms}-{seq}</c>.</summary>
public readonly record struct StreamId(long Milliseconds, long Sequence) : IComparable<StreamId>
{
    public static bool TryParse(string text, out StreamId id)
    {
        id = default;
        var dash = text.IndexOf('-');
        if (dash <= 0
            || !long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            return false;
        id = new StreamId(ms, seq);
        return true;
    }

    public int CompareTo(StreamId other) =>
        Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds) : Sequence.CompareTo(other.Sequence);

    public static bool operator <(StreamId a, StreamId b) => a.CompareTo(b) < 0;
    public static bool operator >(StreamId a, StreamId b) => a.CompareTo(b) > 0;
    public static bool operator <=(StreamId a, StreamId b) => a.CompareTo(b) <= 0;
    public static bool operator >=(StreamId a, StreamId b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Milliseconds}-{Sequence}";
}
