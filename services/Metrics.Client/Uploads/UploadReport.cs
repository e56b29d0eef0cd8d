namespace Metrics.Client.Uploads;

/// <summary>
/// What an upload did: rows read; records applied by it; records of chunks applied before (by an interrupted earlier
/// run, answered <c>duplicate</c>); rejected rows, each with its row number, field and reason (the first
/// <see cref="UploadTally.MaxListedRejections"/> listed, all counted).
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
