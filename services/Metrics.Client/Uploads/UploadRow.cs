using Metrics.Contracts.V1;

namespace Metrics.Client.Uploads;

/// <summary>
/// One row of an upload: its number in the source (from 1, what a report names), the record it sends, and — when
/// the reader found it wrong already — why it is not sent (<paramref name="Problem"/>: the field and the reason).
/// </summary>
public sealed record UploadRow(long RowNumber, MetricRecord Record, RowProblem? Problem = null);

/// <summary>What is wrong with a row: the field (the import schema's column) and why.</summary>
public sealed record RowProblem(string Field, string Reason);
