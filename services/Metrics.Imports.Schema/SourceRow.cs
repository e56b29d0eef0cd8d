namespace Metrics.Imports.Schema;

/// <summary>
/// One row as the source holds it, before validation: <see cref="Date"/> is the text of the <c>date</c> column
/// (<c>YYYY-MM-DD</c>, whatever its type in the source), <see cref="RowNumber"/> counts from 1 in the order read.
/// As the import schema defines, a row with all three values is a ratio row, and a row with no value and no ratio pair counts 0.
/// </summary>
public readonly record struct SourceRow(
    long RowNumber,
    string UnitId,
    string IdType,
    string Date,
    string MetricName,
    double? MetricValue,
    double? Numerator,
    double? Denominator,
    bool IsTest)
{
    /// <summary>A row with numerator and denominator is a ratio row: its value, if any, is not sent.</summary>
    public bool IsRatio => Numerator is not null && Denominator is not null;

    /// <summary>The value a row that is not a ratio row counts: <c>metric_value</c>, or 0 when it has none.</summary>
    public double Value => MetricValue ?? 0;
}
