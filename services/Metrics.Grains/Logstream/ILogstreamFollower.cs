namespace Metrics.Grains.Logstream;

/// <summary>Brings a project's new batches to this node's <see cref="LogstreamHub"/> while it has subscribers there.</summary>
public interface ILogstreamFollower
{
    /// <summary>Completes once every batch appended from now on will reach the hub.</summary>
    Task FollowAsync(string project);
}
