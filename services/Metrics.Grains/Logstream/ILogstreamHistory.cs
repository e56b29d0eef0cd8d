namespace Metrics.Grains.Logstream;

/// <summary>The retained part of a project's Logstream, for backlog replay and resuming from a cursor.</summary>
public interface ILogstreamHistory
{
    /// <summary>Retained batches, newest first.</summary>
    IAsyncEnumerable<StoredBatch> ReadBackwardAsync(string project, CancellationToken cancellationToken);

    /// <summary>
    /// Retained batches from <paramref name="from"/> (inclusive) on, oldest first, each saying whether batches
    /// before it were trimmed while it was being read — the batch at <paramref name="from"/> counts as expected first.
    /// </summary>
    IAsyncEnumerable<ReplayedBatch> ReadForwardAsync(string project, StreamId from, CancellationToken cancellationToken);

    /// <summary>The oldest and the newest retained positions, read together; null while the project's Logstream is empty.</summary>
    Task<LogstreamWindow?> WindowAsync(string project);
}
