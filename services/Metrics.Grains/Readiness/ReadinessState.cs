using System.Collections.Immutable;
using Metrics.Domain;

namespace Metrics.Grains.Readiness;

/// <summary>
/// The durable state of a project's readiness: the watermark, the days holding data that are not sealed yet
/// (with the metrics to seal on each), and the metrics catalog. Immutable: each change makes a new state.
/// </summary>
public sealed record ReadinessState(
    long Watermark,
    ImmutableSortedDictionary<DateOnly, ImmutableSortedSet<string>> OpenDays,
    ImmutableSortedDictionary<string, CatalogEntry> Catalog)
{
    public static readonly ReadinessState Empty = new(
        0,
        ImmutableSortedDictionary<DateOnly, ImmutableSortedSet<string>>.Empty,
        ImmutableSortedDictionary.Create<string, CatalogEntry>(StringComparer.Ordinal));

    public static ReadinessState Restore(long watermark, IEnumerable<(DateOnly Day, string[] Metrics)> openDays, IEnumerable<CatalogEntry> catalog) => new(
        watermark,
        openDays.ToImmutableSortedDictionary(d => d.Day, d => d.Metrics.ToImmutableSortedSet(StringComparer.Ordinal)),
        catalog.ToImmutableSortedDictionary(c => c.MetricName, c => c, StringComparer.Ordinal));

    /// <summary>Open days the watermark has reached: sealing them is due.</summary>
    public IEnumerable<DateOnly> DueDays(long watermark) =>
        OpenDays.Keys.Where(d => Domain.Watermark.Seals(watermark, new PacificDay(d)));

    /// <summary>This state with the intent's days and catalog facts added; the same instance when nothing is new.</summary>
    public ReadinessState Register(WriteIntent intent)
    {
        var openDays = OpenDays;
        foreach (var (metric, day) in intent.MetricDays)
        {
            var metrics = openDays.GetValueOrDefault(day) ?? ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
            if (!metrics.Contains(metric))
                openDays = openDays.SetItem(day, metrics.Add(metric));
        }
        var catalog = Catalog;
        foreach (var entry in intent.Catalog)
        {
            var known = catalog.GetValueOrDefault(entry.MetricName);
            if (known is null || !known.Covers(entry))
                catalog = catalog.SetItem(entry.MetricName, known?.Merge(entry) ?? entry);
        }
        return openDays == OpenDays && catalog == Catalog ? this : this with { OpenDays = openDays, Catalog = catalog };
    }

    public ReadinessState Close(IEnumerable<DateOnly> days) => this with { OpenDays = OpenDays.RemoveRange(days) };
}
