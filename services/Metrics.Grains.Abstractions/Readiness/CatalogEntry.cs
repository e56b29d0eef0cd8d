namespace Metrics.Grains.Readiness;

/// <summary>
/// What the catalog knows of a metric from its production records, and the import that owns the name
/// (<see cref="Owner"/>; null: none, the API may write it). <see cref="IdTypeSince"/> holds, beside each of
/// <see cref="IdTypes"/>, the first date the metric had it (null in entries stored before it was kept: each ID type
/// then counts from <see cref="FirstDate"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CatalogEntry(
    string MetricName, bool IsRatio, string[] IdTypes, DateOnly FirstDate, DateOnly LastDate, string? Owner = null, DateOnly[]? IdTypeSince = null)
{
    /// <summary>The first date of the metric with <paramref name="idType"/>, null when it never had it.</summary>
    public DateOnly? Since(string idType)
    {
        var index = Array.IndexOf(IdTypes, idType);
        return index < 0 ? null : IdTypeSince is { } since && index < since.Length ? since[index] : FirstDate;
    }

    /// <summary>The ID types that <paramref name="date"/> is the first date of, on a metric with earlier dates.</summary>
    public IEnumerable<string> FirstSeenOn(DateOnly date) =>
        date > FirstDate ? IdTypes.Where(t => Since(t) == date) : [];

    public CatalogEntry Merge(CatalogEntry other)
    {
        var idTypes = IdTypes.Union(other.IdTypes, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new(
            MetricName,
            IsRatio || other.IsRatio,
            idTypes,
            FirstDate < other.FirstDate ? FirstDate : other.FirstDate,
            LastDate > other.LastDate ? LastDate : other.LastDate,
            other.Owner ?? Owner,
            idTypes.Select(t => Earliest(Since(t), other.Since(t))).ToArray());
    }

    public bool Covers(CatalogEntry other) =>
        (other.Owner is null || other.Owner == Owner)
        && (IsRatio || !other.IsRatio)
        && other.IdTypes.All(t => Since(t) is { } since && since <= other.Since(t))
        && FirstDate <= other.FirstDate
        && LastDate >= other.LastDate;

    private static DateOnly Earliest(DateOnly? a, DateOnly? b) =>
        a is { } x && b is { } y ? (x < y ? x : y) : (a ?? b)!.Value;
}
