using System.Collections.Immutable;
using Metrics.Domain;

namespace Metrics.Grains.Readiness;

/// <summary>
/// The durable state of a project's readiness: the watermark, the days holding data that are not sealed yet (with
/// the metrics to seal on each), the metrics catalog (with its names in a sorted set too, which pages seek in), and
/// the sealed days not announced yet, and the restatements about to be swapped in (<see cref="PendingRestatements"/>,
/// announced once they have been). <see cref="Version"/> counts the stored changes and guards against two
/// activations writing at once. Immutable: a change makes a new state in O(log n) and shares the rest.
/// </summary>
public sealed record ReadinessState(
    long Version,
    long Watermark,
    ImmutableSortedDictionary<DateOnly, ImmutableSortedSet<string>> OpenDays,
    int OpenMetricDays,
    ImmutableSortedDictionary<string, CatalogEntry> Catalog,
    ImmutableSortedSet<string> CatalogNames,
    ImmutableSortedDictionary<DateOnly, SealedDayEvent> Unannounced,
    ImmutableSortedDictionary<string, PendingRestatement> PendingRestatements)
{
    public static readonly ReadinessState Empty = new(
        0,
        0,
        ImmutableSortedDictionary<DateOnly, ImmutableSortedSet<string>>.Empty,
        0,
        ImmutableSortedDictionary.Create<string, CatalogEntry>(StringComparer.Ordinal),
        ImmutableSortedSet.Create<string>(StringComparer.Ordinal),
        ImmutableSortedDictionary<DateOnly, SealedDayEvent>.Empty,
        ImmutableSortedDictionary.Create<string, PendingRestatement>(StringComparer.Ordinal));

    public static ReadinessState Restore(
        long version, long watermark, IEnumerable<(DateOnly Day, IEnumerable<string> Metrics)> openDays,
        IEnumerable<CatalogEntry> catalog, IEnumerable<SealedDayEvent> unannounced, IEnumerable<PendingRestatement> pendingRestatements)
    {
        var days = openDays.ToImmutableSortedDictionary(d => d.Day, d => d.Metrics.ToImmutableSortedSet(StringComparer.Ordinal));
        var entries = catalog.ToImmutableSortedDictionary(c => c.MetricName, c => c, StringComparer.Ordinal);
        return new ReadinessState(
            version,
            watermark,
            days,
            days.Values.Sum(m => m.Count),
            entries,
            entries.Keys.ToImmutableSortedSet(StringComparer.Ordinal),
            unannounced.ToImmutableSortedDictionary(e => e.Date, e => e),
            pendingRestatements.ToImmutableSortedDictionary(r => r.Key, r => r, StringComparer.Ordinal));
    }

    /// <summary>Open days the watermark has reached: sealing them is due.</summary>
    public IEnumerable<DateOnly> DueDays(long watermark) =>
        OpenDays.Keys.Where(d => Domain.Watermark.Seals(watermark, new PacificDay(d)));

    /// <summary>What the intent adds: metric-days not open yet and catalog facts not known yet; null when nothing is new.</summary>
    public ReadinessChange? Register(WriteIntent intent)
    {
        var opened = intent.MetricDays
            .Where(m => OpenDays.GetValueOrDefault(m.Day)?.Contains(m.MetricName) != true)
            .Distinct()
            .ToList();
        var cataloged = new List<CatalogEntry>();
        foreach (var entry in intent.Catalog)
        {
            var known = Catalog.GetValueOrDefault(entry.MetricName);
            if (known is null || !known.Covers(entry))
                cataloged.Add(known?.Merge(entry) ?? entry);
        }
        return opened.Count == 0 && cataloged.Count == 0 ? null : new ReadinessChange(0, opened, cataloged, [], []);
    }

    /// <summary>The metric names of the intent that an import other than the intent's own writer owns.</summary>
    public MetricOwner[] OwnedByOthers(WriteIntent intent) => intent.MetricDays
        .Select(m => m.MetricName)
        .Distinct(StringComparer.Ordinal)
        .Select(name => Catalog.GetValueOrDefault(name) is { Owner: { } owner } && owner != intent.ImportId ? new MetricOwner(name, owner) : default)
        .Where(o => o.MetricName is not null)
        .ToArray();

    /// <summary>The catalog entries the import owns, owned by none; null when it owns none.</summary>
    public ReadinessChange? Release(string importId)
    {
        var released = Catalog.Values.Where(e => e.Owner == importId).Select(e => e with { Owner = null }).ToList();
        return released.Count == 0 ? null : new ReadinessChange(0, [], released, [], []);
    }

    /// <summary>This state once <paramref name="change"/> is stored: the next version.</summary>
    public ReadinessState Apply(ReadinessChange change)
    {
        var openDays = OpenDays;
        var openMetricDays = OpenMetricDays;
        foreach (var (metric, day) in change.Opened)
        {
            var metrics = openDays.GetValueOrDefault(day) ?? ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
            if (metrics.Contains(metric))
                continue;
            openDays = openDays.SetItem(day, metrics.Add(metric));
            openMetricDays++;
        }
        var unannounced = Unannounced;
        foreach (var sealedDay in change.Closed)
        {
            if (openDays.TryGetValue(sealedDay.Date, out var metrics))
                openMetricDays -= metrics.Count;
            openDays = openDays.Remove(sealedDay.Date);
            unannounced = unannounced.SetItem(sealedDay.Date, sealedDay);
        }
        return new ReadinessState(
            Version + 1,
            Math.Max(Watermark, change.Watermark),
            openDays,
            openMetricDays,
            Catalog.SetItems(change.Cataloged.Select(e => KeyValuePair.Create(e.MetricName, e))),
            CatalogNames.Union(change.Cataloged.Select(e => e.MetricName)),
            unannounced.RemoveRange(change.Announced),
            PendingRestatements.SetItems(change.Pended.Select(r => KeyValuePair.Create(r.Key, r))).RemoveRange(change.Resolved));
    }

    /// <summary>
    /// Up to <paramref name="count"/> catalog entries after the name <paramref name="after"/> (from the first when
    /// null), in name order: found by the names' position, in O(log n) each, however large the catalog.
    /// </summary>
    public IEnumerable<CatalogEntry> CatalogAfter(string? after, int count)
    {
        var start = 0;
        if (after is not null)
        {
            var index = CatalogNames.IndexOf(after);
            start = index >= 0 ? index + 1 : ~index;
        }
        for (var i = start; i < Math.Min(CatalogNames.Count, start + count); i++)
            yield return Catalog[CatalogNames[i]];
    }
}
