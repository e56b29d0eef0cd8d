using Metrics.Domain;

namespace Metrics.Grains.Health;

/// <summary>The records of a refused request counted per metric-day, within the bounds of <see cref="IRejectionTally"/>.</summary>
internal static class RejectedCounts
{
    /// <summary>
    /// No valid metric name is longer, in UTF-16 code units (<see cref="MetricNameRule.MaxCharacters"/>
    /// characters, each at most two): a longer one is counted nowhere, so that what a refused request leaves in the
    /// tally stays bounded whatever it holds.
    /// </summary>
    private const int MaxNameLength = 2 * MetricNameRule.MaxCharacters;

    /// <summary>
    /// The dated records of <paramref name="records"/> for days from <paramref name="oldest"/> to
    /// <paramref name="today"/>, counted per metric and day, for the first <see cref="IRejectionTally.MetricsPerDay"/>
    /// metric-days they name, in that order; records with a name no metric can have are left out. A request's records
    /// mostly share one date: each distinct text is parsed once in a row.
    /// </summary>
    public static List<RejectedCount> Of(IReadOnlyList<IncomingRecord> records, PacificDay oldest, PacificDay today)
    {
        var counts = new Dictionary<(string MetricName, PacificDay Day), long>();
        var (date, day) = ((string?)null, (PacificDay?)null);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (!string.Equals(record.Date, date, StringComparison.Ordinal))
                (date, day) = (record.Date, PacificDay.TryParse(record.Date, out var parsed) ? parsed : null);
            if (record.MetricName.Length is 0 or > MaxNameLength || day is not { } metricDay || metricDay < oldest || metricDay > today)
                continue;
            var key = (record.MetricName, metricDay);
            if (counts.TryGetValue(key, out var count))
                counts[key] = count + 1;
            else if (counts.Count < IRejectionTally.MetricsPerDay)
                counts[key] = 1;
        }
        return counts.Select(c => new RejectedCount(c.Key.MetricName, c.Key.Day, c.Value)).ToList();
    }
}
