using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Metrics.Grains.Readiness;
using Microsoft.Extensions.Options;

namespace Metrics.Grains.Logstream;

/// <summary>
/// The embedded mode's Logstream: a window per project in process memory, bounded in batches and in bytes,
/// delivered to the hub as it is appended, so there is nothing to follow.
/// </summary>
public sealed class InMemoryLogstream(LogstreamHub hub, IOptions<LogstreamOptions> options, IProjectQuotas quotas, TimeProvider clock)
    : ILogstreamWriter, ILogstreamHistory, ILogstreamFollower
{
    private sealed class ProjectStream
    {
        public readonly Lock Gate = new();
        public readonly Queue<(StoredBatch Stored, long Bytes)> Batches = new();
        public long Bytes;
        public StreamId Last;
    }

    private readonly ConcurrentDictionary<string, ProjectStream> _projects = new();

    public Task AppendAsync(LogstreamBatch batch)
    {
        var stream = _projects.GetOrAdd(batch.Project, _ => new ProjectStream());
        lock (stream.Gate)
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            stream.Last = now > stream.Last.Milliseconds ? new StreamId(now, 0) : stream.Last with { Sequence = stream.Last.Sequence + 1 };
            var stored = new StoredBatch(stream.Last, batch);
            var bytes = batch.ApproximateBytes();
            stream.Batches.Enqueue((stored, bytes));
            stream.Bytes += bytes;
            var (maxEntries, maxBytes) = (options.Value.MaxEntries, quotas.For(batch.Project).LogstreamBytes);
            while (stream.Batches.Count > 1 && (stream.Batches.Count > maxEntries || stream.Bytes > maxBytes))
                stream.Bytes -= stream.Batches.Dequeue().Bytes;
            // Delivered under the lock so that every subscriber sees a project's batches in stream order.
            hub.Deliver(stored);
        }
        return Task.CompletedTask;
    }

    public Task FollowAsync(string project) => Task.CompletedTask;

    public async IAsyncEnumerable<StoredBatch> ReadBackwardAsync(string project, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batches = Snapshot(project);
        for (var i = batches.Length - 1; i >= 0; i--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return batches[i];
        }
        await Task.CompletedTask;
    }

    /// <summary>One snapshot, which retention cannot trim: only the batch expected first may be gone already.</summary>
    public async IAsyncEnumerable<ReplayedBatch> ReadForwardAsync(string project, StreamId from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = true;
        foreach (var stored in Snapshot(project))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (stored.Id < from)
                continue;
            yield return new ReplayedBatch(stored, first && stored.Id != from);
            first = false;
        }
        await Task.CompletedTask;
    }

    public Task<LogstreamWindow?> WindowAsync(string project)
    {
        if (!_projects.TryGetValue(project, out var stream))
            return Task.FromResult<LogstreamWindow?>(null);
        lock (stream.Gate)
            return Task.FromResult<LogstreamWindow?>(stream.Batches.TryPeek(out var oldest) ? new(oldest.Stored.Id, stream.Last) : null);
    }

    private StoredBatch[] Snapshot(string project)
    {
        if (!_projects.TryGetValue(project, out var stream))
            return [];
        lock (stream.Gate)
            return stream.Batches.Select(b => b.Stored).ToArray();
    }
}
