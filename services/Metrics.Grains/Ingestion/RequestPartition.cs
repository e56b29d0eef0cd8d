using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;

namespace Metrics.Grains.Ingestion;

/// <summary>
/// A valid request split in one pass: one slice per metric-day, in the order the records first name them, and
/// what the catalog learns from the production records.
/// </summary>
public sealed record RequestPartition((MetricDayRef MetricDay, MetricSlice Slice)[] Slices, CatalogEntry[] Catalog)
{
    public static RequestPartition Of(
        IReadOnlyList<ValidRecord> records, string? idempotencyKey, string fingerprint, bool isTest, DateTimeOffset ingestedAt)
    {
        var rowsByDay = new Dictionary<(string Metric, PacificDay Day), List<UnitRow>>();
        var metricDays = new List<(string Metric, PacificDay Day)>();
        var catalog = new Dictionary<string, CatalogFacts>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var metricDay = (record.MetricName, record.Day);
            if (!rowsByDay.TryGetValue(metricDay, out var rows))
            {
                // Most requests hold one metric-day: its rows then never regrow.
                rowsByDay[metricDay] = rows = new List<UnitRow>(metricDays.Count == 0 ? records.Count : 0);
                metricDays.Add(metricDay);
            }
            var m = record.Measurement;
            rows.Add(new UnitRow(record.Unit.IdType, record.Unit.UserId, m.Value, m.Numerator, m.Denominator));
            if (!isTest)
            {
                if (!catalog.TryGetValue(record.MetricName, out var facts))
                    catalog[record.MetricName] = facts = new CatalogFacts(record.Day);
                facts.Add(record);
            }
        }
        return new RequestPartition(
            metricDays
                .Select(d => (new MetricDayRef(d.Metric, d.Day.Date), new MetricSlice(idempotencyKey, isTest, ingestedAt, rowsByDay[d].ToArray(), fingerprint)))
                .ToArray(),
            catalog.Select(c => c.Value.ToEntry(c.Key)).ToArray());
    }

    private sealed class CatalogFacts(PacificDay day)
    {
        /// <summary>Each ID type with the first day of the request's records of it.</summary>
        private readonly SortedDictionary<string, PacificDay> _idTypes = new(StringComparer.Ordinal);
        private bool _isRatio;
        private PacificDay _first = day;
        private PacificDay _last = day;

        public void Add(ValidRecord record)
        {
            _isRatio |= record.Measurement.IsRatio;
            if (!_idTypes.TryGetValue(record.Unit.IdType, out var since) || record.Day < since)
                _idTypes[record.Unit.IdType] = record.Day;
            if (record.Day < _first)
                _first = record.Day;
            if (record.Day > _last)
                _last = record.Day;
        }

        public CatalogEntry ToEntry(string metricName) =>
            new(metricName, _isRatio, _idTypes.Keys.ToArray(), _first.Date, _last.Date, IdTypeSince: _idTypes.Values.Select(d => d.Date).ToArray());
    }
}
