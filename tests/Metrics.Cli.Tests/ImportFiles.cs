using System.Globalization;
using DuckDB.NET.Data;

namespace Metrics.Cli.Tests;

/// <summary>Files in the import schema written by DuckDB from a <c>SELECT</c>, and what SQL says their metric-days' aggregates are.</summary>
internal static class ImportFiles
{
    /// <summary>Writes the rows <paramref name="select"/> gives to <paramref name="path"/> (.csv with a header, or .parquet).</summary>
    public static async Task WriteAsync(string path, string select)
    {
        var format = path.EndsWith(".csv", StringComparison.Ordinal) ? "FORMAT csv, HEADER true" : "FORMAT parquet";
        await ExecuteAsync($"COPY ({select}) TO '{path}' ({format})");
    }

    /// <summary>
    /// Per (metric, date) of the file: units, rows, the sum of values, of numerators and denominators, and the mean and
    /// sample variance of the per-unit values — the import schema's rules (a ratio row counts value 0) in SQL.
    /// </summary>
    public static async Task<Dictionary<(string Metric, string Date), ExpectedDay>> AggregatesAsync(string path)
    {
        var reader = path.EndsWith(".csv", StringComparison.Ordinal) ? $"read_csv('{path}', header = true)" : $"read_parquet('{path}')";
        var sql = $"""
            WITH rows AS (
              SELECT CAST(metric_name AS VARCHAR) AS metric, left(CAST(date AS VARCHAR), 10) AS day, CAST(id_type AS VARCHAR) AS id_type,
                     CAST(unit_id AS VARCHAR) AS unit,
                     CASE WHEN numerator IS NOT NULL AND denominator IS NOT NULL THEN 0 ELSE coalesce(metric_value, 0) END AS value,
                     CASE WHEN numerator IS NOT NULL AND denominator IS NOT NULL THEN numerator ELSE 0 END AS num,
                     CASE WHEN numerator IS NOT NULL AND denominator IS NOT NULL THEN denominator ELSE 0 END AS den
              FROM {reader}),
            units AS (SELECT metric, day, id_type, unit, sum(value) AS value, count(*) AS rows, sum(num) AS num, sum(den) AS den FROM rows GROUP BY ALL)
            SELECT metric, day, CAST(count(*) AS BIGINT), CAST(sum(rows) AS BIGINT), CAST(sum(value) AS DOUBLE), CAST(sum(num) AS DOUBLE),
                   CAST(sum(den) AS DOUBLE), CAST(avg(value) AS DOUBLE), CAST(coalesce(var_samp(value), 0) AS DOUBLE)
            FROM units GROUP BY metric, day
            """;
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var result = await command.ExecuteReaderAsync();
        var days = new Dictionary<(string, string), ExpectedDay>();
        while (await result.ReadAsync())
        {
            days[(result.GetString(0), result.GetString(1))] = new ExpectedDay(
                Convert.ToInt64(result.GetValue(2), CultureInfo.InvariantCulture), Convert.ToInt64(result.GetValue(3), CultureInfo.InvariantCulture),
                Convert.ToDouble(result.GetValue(4), CultureInfo.InvariantCulture), Convert.ToDouble(result.GetValue(5), CultureInfo.InvariantCulture),
                Convert.ToDouble(result.GetValue(6), CultureInfo.InvariantCulture), Convert.ToDouble(result.GetValue(7), CultureInfo.InvariantCulture),
                Convert.ToDouble(result.GetValue(8), CultureInfo.InvariantCulture));
        }
        return days;
    }

    /// <summary>The rows of <paramref name="sql"/>, every column as text (doubles as they round-trip).</summary>
    public static async Task<List<string[]>> QueryAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var result = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await result.ReadAsync())
            rows.Add(Enumerable.Range(0, result.FieldCount).Select(i => Convert.ToString(result.GetValue(i), CultureInfo.InvariantCulture)!).ToArray());
        return rows;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<DuckDBConnection> OpenAsync()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        return connection;
    }
}

/// <summary>A metric-day's aggregates as SQL computes them from the file.</summary>
internal sealed record ExpectedDay(long Units, long Rows, double Sum, double NumeratorSum, double DenominatorSum, double Mean, double Variance);
