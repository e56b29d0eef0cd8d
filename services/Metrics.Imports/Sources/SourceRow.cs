namespace Metrics.Imports.Sources;

/// <summary>
/// One row as the source holds it, before validation: <see cref="Date"/> is the text of the <c>date</c> column
/// (<c>YYYY-MM-DD</c>, whatever its type in the source), <see cref="RowNumber"/> counts from 1 in the order read.
/// </summary>
public sealed record SourceRow(
    long RowNumber,
    string UnitId,
    string IdType,
    string Date,
    string MetricName,
    double? MetricValue,
    double? Numerator,
    double? Denominator,
    bool IsTest);
