namespace Metrics.Grains.Logstream;

/// <summary>A project already has its quota of Logstream subscribers on this node.</summary>
public sealed class SubscriberLimitException(string project, int limit)
    : Exception($"quota LogstreamSubscribers ({limit}) exceeded: project {project} already has {limit} Logstream subscribers on this node");
