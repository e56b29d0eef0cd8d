using Npgsql;

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

    /// <summary>All rows in one statement: arrays of the columns, unnested (the date cast to the column's type).</summary>
    public async Task InsertAsync(IEnumerable<ImportRow> rows)
    {
        var all = rows.ToList();
        await using var insert = database.CreateCommand(
            $"INSERT INTO {Name} SELECT u, i, CAST(d AS {await DateTypeAsync()}), m, v, n, q FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[]) AS r(u, i, d, m, v, n, q)");
        insert.Parameters.Add(new NpgsqlParameter { Value = all.Select(r => r.UnitId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = all.Select(r => r.IdType).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = all.Select(r => r.Date).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = all.Select(r => r.MetricName).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = all.Select(r => r.MetricValue).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = all.Select(r => r.Numerator).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = all.Select(r => r.Denominator).ToArray() });
        await insert.ExecuteNonQueryAsync();
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

    private async Task<string> DateTypeAsync()
    {
        await using var command = database.CreateCommand("SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = 'date'");
        command.Parameters.Add(new NpgsqlParameter { Value = Name });
        return (string)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>What PostgreSQL computes for one metric-day.</summary>
public sealed record Figures(long Units, long Rows, double Sum, double Mean, double Variance, double NumeratorSum, double DenominatorSum);
