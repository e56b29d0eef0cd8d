namespace Metrics.Grains.Logstream;

/// <summary>The positions of the oldest and the newest batch a project's Logstream retains.</summary>
public readonly record struct LogstreamWindow(StreamId Oldest, StreamId Newest);
