namespace Metrics.Grains.Readiness;

/// <summary>What the catalog knows of a metric from its production records.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogEntry(string MetricName, bool IsRatio, string[] IdTypes, DateOnly FirstDate, DateOnly LastDate)
{
    public CatalogEntry Merge(CatalogEntry other) => new(
        MetricName,
        IsRatio || other.IsRatio,
        IdTypes.Union(other.IdTypes, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
        FirstDate < other.FirstDate ? FirstDate : other.FirstDate,
        LastDate > other.LastDate ? LastDate : other.LastDate);

    public bool Covers(CatalogEntry other) =>
        (IsRatio || !other.IsRatio)
        && other.IdTypes.All(t => IdTypes.Contains(t, StringComparer.Ordinal))
        && FirstDate <= other.FirstDate
        && LastDate >= other.LastDate;
}
