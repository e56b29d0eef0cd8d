namespace Metrics.Grains.Readiness;

/// <summary>
/// What the catalog knows of a metric from its production records, and the import that owns the name
/// (<see cref="Owner"/>; null: none, the API may write it).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CatalogEntry(string MetricName, bool IsRatio, string[] IdTypes, DateOnly FirstDate, DateOnly LastDate, string? Owner = null)
{
    public CatalogEntry Merge(CatalogEntry other) => new(
        MetricName,
        IsRatio || other.IsRatio,
        IdTypes.Union(other.IdTypes, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
        FirstDate < other.FirstDate ? FirstDate : other.FirstDate,
        LastDate > other.LastDate ? LastDate : other.LastDate,
        other.Owner ?? Owner);

    public bool Covers(CatalogEntry other) =>
        (other.Owner is null || other.Owner == Owner)
        && (IsRatio || !other.IsRatio)
        && other.IdTypes.All(t => IdTypes.Contains(t, StringComparer.Ordinal))
        && FirstDate <= other.FirstDate
        && LastDate >= other.LastDate;
}
