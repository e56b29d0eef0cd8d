namespace Metrics.Server.Tests.Imports;

/// <summary>A row of the warehouse-import schema as the tests write it into a table or a file.</summary>
public sealed record ImportRow(string UnitId, string IdType, string Date, string MetricName, double? MetricValue, double? Numerator, double? Denominator)
{
    /// <summary>
    /// Reproducible rows over <paramref name="days"/>: a value metric with repeated units, a metric with rows that
    /// carry no value (metric_value 0), and a ratio metric; two ID types.
    /// </summary>
    public static List<ImportRow> Sample(int seed, IReadOnlyList<string> days, int units = 120)
    {
        var random = new Random(seed);
        var rows = new List<ImportRow>();
        foreach (var day in days)
            for (var u = 0; u < units; u++)
            {
                var idType = u % 3 == 0 ? "stable_id" : "user_id";
                rows.Add(new($"u{u}", idType, day, "revenue", Math.Round(random.NextDouble() * 100, 2), null, null));
                if (u % 4 == 0)
                    rows.Add(new($"u{u}", idType, day, "revenue", Math.Round(random.NextDouble() * 10, 2), null, null));
                rows.Add(new($"u{u}", idType, day, "sessions", u % 5 == 0 ? null : random.Next(0, 20), null, null));
                rows.Add(new($"u{u}", idType, day, "ctr", null, random.Next(0, 5), random.Next(1, 10)));
            }
        return rows;
    }
}
