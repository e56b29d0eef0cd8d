namespace Metrics.Grains.MetricDays;

/// <summary>
/// A page of a finalized day's per-unit production values, ordered by ID type then unit ID, read from its sealed
/// <see cref="Version"/>: a restatement between two pages changes it (and the units), so an export of pages spans one.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ExportPage(ExportStatus Status, UnitValueRow[] Units, int Version = 0);

[GenerateSerializer]
public enum ExportStatus
{
    NoData,
    Open,
    Finalized,
}

[GenerateSerializer, Immutable]
public readonly record struct UnitValueRow(string IdType, string UserId, double Value, double Numerator, double Denominator, long Rows);
