namespace Metrics.Grains.MetricDays;

/// <summary>A page of a finalized day's per-unit production values, ordered by ID type then unit ID.</summary>
[GenerateSerializer, Immutable]
public sealed record ExportPage(ExportStatus Status, UnitValueRow[] Units);

[GenerateSerializer]
public enum ExportStatus
{
    NoData,
    Open,
    Finalized,
}

[GenerateSerializer, Immutable]
public readonly record struct UnitValueRow(string IdType, string UserId, double Value, double Numerator, double Denominator, long Rows);
