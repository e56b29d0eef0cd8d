namespace Metrics.Imports.Schema;

/// <summary>
/// What a (metric, day) of a source looks like, cheap to compute where the data lives: its row count and the sums
/// of its values (a row with no value and no ratio pair counts <c>metric_value</c> 0, as it is loaded).
/// </summary>
public sealed record DayFingerprint(string MetricName, string Date, long Rows, double ValueSum, double NumeratorSum, double DenominatorSum);
