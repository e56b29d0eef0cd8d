using System.Buffers;
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
        // Two passes, so that each slice's rows are one array of its exact size: the first finds each record's
        // metric-day and counts them, the second places the rows.
        var indexOf = new Dictionary<(string Metric, PacificDay Day), int>();
        var metricDays = new List<(string Metric, PacificDay Day)>();
        var counts = new List<int>();
        var slot = ArrayPool<int>.Shared.Rent(records.Count);
        var catalog = new Dictionary<string, CatalogFacts>(StringComparer.Ordinal);
        try
        {
            // A request's records mostly come in runs of one metric-day, whose name is one string (the request's
            // reader shares it): a record of the previous record's metric-day is placed without a lookup.
            var index = -1;
            CatalogFacts? facts = null;
            for (var i = 0; i < records.Count; i++)
            {
                var record = records[i];
                if (index < 0 || !ReferenceEquals(record.MetricName, metricDays[index].Metric) || record.Day != metricDays[index].Day)
                {
                    var metricDay = (record.MetricName, record.Day);
                    if (!indexOf.TryGetValue(metricDay, out index))
                    {
                        indexOf[metricDay] = index = metricDays.Count;
                        metricDays.Add(metricDay);
                        counts.Add(0);
                    }
                    if (!isTest && !catalog.TryGetValue(record.MetricName, out facts))
                        catalog[record.MetricName] = facts = new CatalogFacts(record.Day);
                }
                slot[i] = index;
                counts[index]++;
                facts?.Add(record);
            }
            var rows = counts.Select(c => new UnitRow[c]).ToArray();
            var placed = new int[rows.Length];
            for (var i = 0; i < records.Count; i++)
            {
                var (unit, m) = (records[i].Unit, records[i].Measurement);
                rows[slot[i]][placed[slot[i]]++] = new UnitRow(unit.IdType, unit.UserId, m.Value, m.Numerator, m.Denominator);
            }
            return new RequestPartition(
                metricDays
                    .Select((d, i) => (new MetricDayRef(d.Metric, d.Day.Date), new MetricSlice(idempotencyKey, isTest, ingestedAt, rows[i], fingerprint)))
                    .ToArray(),
                catalog.Select(c => c.Value.ToEntry(c.Key)).ToArray());
        }
        finally
        {
            ArrayPool<int>.Shared.Return(slot);
        }
    }

    private sealed class CatalogFacts(PacificDay day)
    {
        /// <summary>
        /// Each ID type with the first day of the request's records of it, in order of arrival: a metric's records
        /// name a few ID types (those the project defines), so a list searched in turn costs less than a sorted map,
        /// and a request of many metrics makes one small list each.
        /// </summary>
        private readonly List<(string IdType, PacificDay Since)> _idTypes = [];
        private bool _isRatio;
        private PacificDay _first = day;
        private PacificDay _last = day;

        /// <summary>The position in <see cref="_idTypes"/> of the record before's ID type.</summary>
        private int _previous = -1;

        public void Add(ValidRecord record)
        {
            _isRatio |= record.Measurement.IsRatio;
            // The records of a metric mostly share one ID type (the project's own string for it): looked up only when it changes.
            var idType = record.Unit.IdType;
            if (_previous < 0 || !ReferenceEquals(_idTypes[_previous].IdType, idType))
                _previous = IndexOf(idType);
            if (_previous < 0)
            {
                _previous = _idTypes.Count;
                _idTypes.Add((idType, record.Day));
            }
            else if (record.Day < _idTypes[_previous].Since)
                _idTypes[_previous] = (idType, record.Day);
            if (record.Day < _first)
                _first = record.Day;
            if (record.Day > _last)
                _last = record.Day;
        }

        private int IndexOf(string idType)
        {
            for (var i = 0; i < _idTypes.Count; i++)
                if (string.Equals(_idTypes[i].IdType, idType, StringComparison.Ordinal))
                    return i;
            return -1;
        }

        public CatalogEntry ToEntry(string metricName)
        {
            var idTypes = _idTypes.ToArray();
            Array.Sort(idTypes, static (a, b) => string.CompareOrdinal(a.IdType, b.IdType));
            return new(metricName, _isRatio, Array.ConvertAll(idTypes, t => t.IdType), _first.Date, _last.Date,
                IdTypeSince: Array.ConvertAll(idTypes, t => t.Since.Date));
        }
    }
}
