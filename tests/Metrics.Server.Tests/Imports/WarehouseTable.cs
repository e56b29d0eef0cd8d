using Npgsql;
using NpgsqlTypes;

namespace Metrics.Server.Tests.Imports;

/// <summary>
/// A table of the warehouse-import schema in the tests' PostgreSQL, and the figures PostgreSQL itself computes
/// from it per metric and day: the oracle the imported aggregates are held to.
/// </summary>
public sealed class WarehouseTable(NpgsqlDataSource database, string name)
{
    public string Name { get; } = name;

    /// <summary>Creates the table; <paramref name="dateType"/> is <c>date</c> or <c>text</c>.</summary>
    public static async Task<WarehouseTable> CreateAsync(NpgsqlDataSource database, string name, IEnumerable<ImportRow> rows, string dateType = "date")
    {
        await using (var create = database.CreateCommand(
            $"CREATE TABLE {name} (unit_id text, id_type text, date {dateType}, metric_name text, metric_value double precision, numerator double precision, denominator double precision)"))
            await create.ExecuteNonQueryAsync();
        var table = new WarehouseTable(database, name);
        await table.InsertAsync(rows);
        return table;
    }

    public async Task InsertAsync(IEnumerable<ImportRow> rows)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {Name} (unit_id, id_type, date, metric_name, metric_value, numerator, denominator) FROM STDIN (FORMAT BINARY)");
        var dateIsText = await DateIsTextAsync(connection);
        foreach (var row in rows)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(row.UnitId, NpgsqlDbType.Text);
            await copy.WriteAsync(row.IdType, NpgsqlDbType.Text);
            if (dateIsText)
                await copy.WriteAsync(row.Date, NpgsqlDbType.Text);
            else
                await copy.WriteAsync(DateOnly.Parse(row.Date), NpgsqlDbType.Date);
            await WriteAsync(copy, row.MetricValue);
            await WriteAsync(copy, row.Numerator);
            await WriteAsync(copy, row.Denominator);
        }
        await copy.CompleteAsync();
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = database.CreateCommand(sql.Replace("{table}", Name));
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Per metric and day, as SQL computes them: units, rows, the sum, mean and sample variance of per-unit values (a
    /// ratio row's value is 0, a row without a value counts 0), and the numerator and denominator sums.
    /// </summary>
    public async Task<Dictionary<(string Metric, string Date), Figures>> FiguresAsync()
    {
        var sql = $"""
            WITH units AS (
              SELECT metric_name, date::text AS day, id_type, unit_id, count(*) AS rows,
                     sum(CASE WHEN numerator IS NOT NULL AND denominator IS NOT NULL THEN 0 ELSE coalesce(metric_value, 0) END) AS value,
                     sum(CASE WHEN numerator IS NOT NULL AND denominator IS NOT NULL THEN numerator ELSE 0 END) AS numerator,
                     sum(CASE WHEN numerator IS NOT NULL AND denominator IS NOT NULL THEN denominator ELSE 0 END) AS denominator
              FROM {Name} GROUP BY 1, 2, 3, 4)
            SELECT metric_name, day, count(*), sum(rows), sum(value), avg(value), coalesce(var_samp(value), 0), sum(numerator), sum(denominator)
            FROM units GROUP BY 1, 2
            """;
        var figures = new Dictionary<(string, string), Figures>();
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            figures[(reader.GetString(0), reader.GetString(1))] = new Figures(
                reader.GetInt64(2), (long)reader.GetDecimal(3), reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8));
        return figures;
    }

    private async Task<bool> DateIsTextAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = 'date'", connection);
        command.Parameters.AddWithValue(Name);
        return (string)(await command.ExecuteScalarAsync())! == "text";
    }

    private static Task WriteAsync(NpgsqlBinaryImporter copy, double? value) =>
        value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Double) : copy.WriteNullAsync();
}

/// <summary>What PostgreSQL computes for one metric-day.</summary>
public sealed record Figures(long Units, long Rows, double Sum, double Mean, double Variance, double NumeratorSum, double DenominatorSum);
