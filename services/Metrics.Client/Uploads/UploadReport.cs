namespace Metrics.Client.Uploads;

/// <summary>
/// What an upload did: rows read; records applied by it; records applied before (by an interrupted earlier run, or
/// by an earlier attempt of a call); rejected rows, each with its row number, field and reason (the
/// <see cref="UploadTally.MaxListedRejections"/> of the lowest row numbers listed, all counted).
/// </summary>
public sealed record UploadReport(
    long RowsRead,
    long RowsApplied,
    long RowsAlreadyApplied,
    long RowsRejected,
    int Chunks,
    int DuplicateChunks,
    IReadOnlyList<RejectedRow> Rejected);

/// <summary>A row the server (or the reader) refused: its number in the source, the field, and why.</summary>
public sealed record RejectedRow(long Row, string Field, string Reason);
