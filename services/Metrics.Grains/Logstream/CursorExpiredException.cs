namespace Metrics.Grains.Logstream;

/// <summary>A resume cursor older than the retained window: the entries after it are no longer kept.</summary>
public sealed class CursorExpiredException(LogstreamCursor cursor, StreamId oldest)
    : Exception($"cursor {cursor} is older than the retained Logstream window (oldest retained entry {oldest}.0)");
