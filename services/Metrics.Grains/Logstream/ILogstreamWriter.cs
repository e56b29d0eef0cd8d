namespace Metrics.Grains.Logstream;

/// <summary>Appends batches to a project's Logstream and makes them reach every node's subscribers.</summary>
public interface ILogstreamWriter
{
    Task AppendAsync(LogstreamBatch batch);
}
