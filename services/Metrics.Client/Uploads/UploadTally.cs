namespace Metrics.Client.Uploads;

/// <summary>
/// The counts of an upload as it runs, safe to read from any thread while it does (a progress display polls it), and
/// its report when it ends. Rejected rows are kept up to <see cref="MaxListedRejections"/>, those of the lowest row
/// numbers (whatever order the parallel calls end in); past that only counted.
/// </summary>
public sealed class UploadTally
{
    public const int MaxListedRejections = 100_000;

    private readonly object _gate = new();
    /// <summary>The rejected rows kept, the highest row number first out: replaced by a lower one once full.</summary>
    private readonly PriorityQueue<RejectedRow, long> _rejected = new(Comparer<long>.Create((a, b) => b.CompareTo(a)));
    private long _rowsRead, _rowsDone, _rowsApplied, _rowsAlreadyApplied, _rowsRejected;
    private int _chunks, _duplicateChunks;

    /// <summary>Rows read from the source so far.</summary>
    public long RowsRead => Interlocked.Read(ref _rowsRead);

    /// <summary>Rows whose fate is known: applied, applied before, or rejected.</summary>
    public long RowsDone => Interlocked.Read(ref _rowsDone);

    /// <summary>Records applied by this upload's calls.</summary>
    public long RowsApplied => Interlocked.Read(ref _rowsApplied);

    /// <summary>Records an earlier upload, or an earlier attempt of a call, had applied already: not counted again.</summary>
    public long RowsAlreadyApplied => Interlocked.Read(ref _rowsAlreadyApplied);

    public long RowsRejected => Interlocked.Read(ref _rowsRejected);

    /// <summary>Chunks sent and answered.</summary>
    public int Chunks => Volatile.Read(ref _chunks);

    /// <summary>Chunks an earlier upload had applied already.</summary>
    public int DuplicateChunks => Volatile.Read(ref _duplicateChunks);

    /// <summary>The report so far: complete once the upload has ended.</summary>
    public UploadReport Report()
    {
        lock (_gate)
            return new UploadReport(RowsRead, RowsApplied, RowsAlreadyApplied, RowsRejected, Chunks, DuplicateChunks,
                _rejected.UnorderedItems.Select(r => r.Element).OrderBy(r => r.Row).ToList());
    }

    internal void Read() => Interlocked.Increment(ref _rowsRead);

    /// <summary>A chunk applied: <paramref name="rows"/> by this call, <paramref name="appliedBefore"/> by an earlier attempt of it.</summary>
    internal void Applied(int rows, int appliedBefore)
    {
        Interlocked.Add(ref _rowsApplied, rows);
        Interlocked.Add(ref _rowsAlreadyApplied, appliedBefore);
        Interlocked.Add(ref _rowsDone, rows + appliedBefore);
    }

    internal void AlreadyApplied(int rows)
    {
        Interlocked.Add(ref _rowsAlreadyApplied, rows);
        Interlocked.Add(ref _rowsDone, rows);
        Interlocked.Increment(ref _duplicateChunks);
    }

    internal void ChunkAnswered() => Interlocked.Increment(ref _chunks);

    internal void Rejected(IEnumerable<RejectedRow> rows)
    {
        lock (_gate)
        {
            foreach (var row in rows)
            {
                Interlocked.Increment(ref _rowsRejected);
                Interlocked.Increment(ref _rowsDone);
                if (_rejected.Count < MaxListedRejections)
                    _rejected.Enqueue(row, row.Row);
                else if (_rejected.TryPeek(out _, out var highest) && row.Row < highest)
                    _rejected.EnqueueDequeue(row, row.Row);
            }
        }
    }
}
