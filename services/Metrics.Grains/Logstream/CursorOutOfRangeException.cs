namespace Metrics.Grains.Logstream;

/// <summary>
/// A resume cursor outside the project's Logstream: older than the retained window (the entries after it are no
/// longer kept), or beyond its newest entry (the cursor names no entry of this Logstream, and resuming after it
/// would skip every entry up to it).
/// </summary>
public sealed class CursorOutOfRangeException(string message) : Exception(message)
{
    public static CursorOutOfRangeException Expired(LogstreamCursor cursor, StreamId oldest) =>
        new($"after_cursor {cursor} is older than the retained Logstream window (oldest retained entry {oldest}.0)");

    public static CursorOutOfRangeException Ahead(LogstreamCursor cursor, StreamId? newest) =>
        new($"after_cursor {cursor} is beyond the newest entry of the project's Logstream ({(newest is { } id ? $"{id}.0" : "it holds none")}); " +
            "resume with a cursor this project's Logstream gave");
}
