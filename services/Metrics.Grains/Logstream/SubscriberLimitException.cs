namespace Metrics.Grains.Logstream;

/// <summary>A project already has its most Logstream subscribers on this node.</summary>
public sealed class SubscriberLimitException(string project, int limit)
    : Exception($"project {project} already has {limit} Logstream subscribers on this node (Metrics:Logstream:MaxSubscribersPerProject)");
