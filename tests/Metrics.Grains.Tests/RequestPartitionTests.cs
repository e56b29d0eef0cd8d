using Metrics.Domain;
using Metrics.Grains.Ingestion;

namespace Metrics.Grains.Tests;

/// <summary>
/// A valid request split into slices and catalog facts, against the same computed plainly (group by metric-day in
/// first-seen order; per metric its ID types with their first days, its first and last days, whether it is a
/// ratio) on seeded random requests: runs of one metric-day and interleavings, metric names as one string or as
/// equal strings, ID types meeting earlier days after later ones, test requests (no catalog).
/// </summary>
public sealed class RequestPartitionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SplitsAsTheRecordsSay(int seed)
    {
        var random = new Random(seed);
        for (var request = 0; request < 500; request++)
        {
            var records = RandomRecords(random);
            var isTest = random.Next(4) == 0;
            var partition = RequestPartition.Of(records, "key", "fingerprint", isTest, Now);

            var expectedSlices = records
                .Select((r, i) => (r, i))
                .GroupBy(x => (x.r.MetricName, x.r.Day))
                .OrderBy(g => g.Min(x => x.i))
                .Select(g => $"{g.Key.MetricName}@{g.Key.Day.Date:yyyy-MM-dd}:" + string.Join(",", g.Select(x => $"{x.r.Unit.IdType}/{x.r.Unit.UserId}={x.r.Measurement.Value}")))
                .ToList();
            var actualSlices = partition.Slices
                .Select(s => $"{s.MetricDay.MetricName}@{s.MetricDay.Day:yyyy-MM-dd}:" + string.Join(",", s.Slice.Rows.Select(row => $"{row.IdType}/{row.UserId}={row.Value}")))
                .ToList();
            Assert.Equal(expectedSlices, actualSlices);

            var expectedCatalog = isTest ? [] : records
                .GroupBy(r => r.MetricName)
                .Select(g => $"{g.Key} ratio={g.Any(r => r.Measurement.IsRatio)} {g.Min(r => r.Day.Date):yyyy-MM-dd}..{g.Max(r => r.Day.Date):yyyy-MM-dd} " +
                             string.Join(",", g.GroupBy(r => r.Unit.IdType).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} since {t.Min(r => r.Day.Date):yyyy-MM-dd}")))
                .Order(StringComparer.Ordinal)
                .ToList();
            var actualCatalog = partition.Catalog
                .Select(c => $"{c.MetricName} ratio={c.IsRatio} {c.FirstDate:yyyy-MM-dd}..{c.LastDate:yyyy-MM-dd} " +
                             string.Join(",", c.IdTypes.Select(t => $"{t} since {c.Since(t):yyyy-MM-dd}")))
                .Order(StringComparer.Ordinal)
                .ToList();
            Assert.Equal(expectedCatalog, actualCatalog);
        }
    }

    private static List<ValidRecord> RandomRecords(Random random)
    {
        string[] metrics = ["revenue", "clicks", "ratio"];
        string[] idTypes = ["user_id", "stable_id"];
        var records = new List<ValidRecord>();
        var (metric, day, idType) = (metrics[0], 10, idTypes[0]);
        for (var i = random.Next(1, 60); i > 0; i--)
        {
            // Mostly runs: the previous record's metric, day and ID type again.
            if (random.Next(4) == 0)
                metric = metrics[random.Next(metrics.Length)];
            if (random.Next(4) == 0)
                day = random.Next(1, 20);
            if (random.Next(4) == 0)
                idType = idTypes[random.Next(idTypes.Length)];
            // Sometimes an equal name that is another string, as a JSON request's records have.
            var name = random.Next(5) == 0 ? new string(metric.AsSpan()) : metric;
            var measurement = name.StartsWith("ratio", StringComparison.Ordinal) ? new Measurement(null, 1, 2) : new Measurement(i, null, null);
            records.Add(new ValidRecord(name, new PacificDay(new DateOnly(2026, 11, day)), new UnitKey(idType, $"u{i}"), measurement));
        }
        return records;
    }
}
