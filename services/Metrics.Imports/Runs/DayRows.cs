using System.Threading.Channels;
using Metrics.Domain;
using Metrics.Imports.Schema;
using Metrics.Imports.Sources;

namespace Metrics.Imports.Runs;

/// <summary>
/// A day's rows read from the source ahead of the run, on a thread of their own, into a bounded channel of batches
/// (<see cref="BatchRows"/> rows each: a row at a time, the reading thread and the run would contend for the
/// channel's lock at every row). The source's failure ends the channel with it. Disposing stops the read (the
/// source's query is cancelled) and waits for it to end; it may be done more than once.
/// </summary>
internal sealed class DayRows : IAsyncDisposable
{
    /// <summary>Rows the read hands over at once.</summary>
    public const int BatchRows = 500;

    private readonly Channel<List<SourceRow>> _batches;
    private readonly CancellationTokenSource _stop;
    private readonly Task _reading;
    private bool _disposed;

    private DayRows(IImportSource source, string query, PacificDay day, int aheadRows, CancellationToken cancellationToken)
    {
        _batches = Channel.CreateBounded<List<SourceRow>>(
            new BoundedChannelOptions(Math.Max(1, aheadRows / BatchRows)) { SingleReader = true, SingleWriter = true });
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stop = _stop.Token;
        _reading = Task.Run(() => ReadAsync(source.ReadAsync(query, day, day, stop), _batches.Writer, stop), CancellationToken.None);
    }

    /// <summary>The rows, as the source yields them, at most <paramref name="aheadRows"/> of them read and not yet taken.</summary>
    public static DayRows Start(IImportSource source, string query, PacificDay day, int aheadRows, CancellationToken cancellationToken) =>
        new(source, query, day, aheadRows, cancellationToken);

    public ChannelReader<List<SourceRow>> Batches => _batches.Reader;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }

    private static async Task ReadAsync(IAsyncEnumerable<SourceRow> source, ChannelWriter<List<SourceRow>> batches, CancellationToken cancellationToken)
    {
        try
        {
            var batch = new List<SourceRow>(BatchRows);
            await foreach (var row in source.WithCancellation(cancellationToken))
            {
                batch.Add(row);
                if (batch.Count < BatchRows)
                    continue;
                await batches.WriteAsync(batch, cancellationToken);
                batch = new List<SourceRow>(BatchRows);
            }
            if (batch.Count > 0)
                await batches.WriteAsync(batch, cancellationToken);
            batches.Complete();
        }
        catch (Exception e)
        {
            batches.TryComplete(e);
        }
    }
}
