using DuckDB.NET.Data;
using Metrics.Contracts.V1;

namespace Metrics.Cli.Files;

/// <summary>
/// A finalized day's per-unit values written as CSV (with a header row) or Parquet by DuckDB — columns
/// <c>user_id, id_type, value, numerator, denominator, row_count</c>, in the order the server streams them — to a
/// temporary file beside the target, moved over it only once complete: a failed export leaves no partial file.
/// </summary>
internal static class ExportFile
{
    public static string FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => "csv",
        ".parquet" => "parquet",
        _ => throw new UsageException($"{path}: the export is a .csv or .parquet file"),
    };

    /// <summary>Writes <paramref name="values"/> to <paramref name="path"/>; the number of units written.</summary>
    public static async Task<long> WriteAsync(IAsyncEnumerable<UnitValue> values, string path, CancellationToken cancellationToken)
    {
        var format = FormatOf(path);
        var full = Path.GetFullPath(path);
        var partial = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        OutputFile.Check("--output", path, alsoAt: partial);
        try
        {
            long units = 0;
            await using (var connection = new DuckDBConnection("DataSource=:memory:"))
            {
                await connection.OpenAsync(cancellationToken);
                await ExecuteAsync(connection,
                    "CREATE TABLE units (user_id VARCHAR, id_type VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, row_count BIGINT)", cancellationToken);
                using (var appender = connection.CreateAppender("units"))
                {
                    await foreach (var value in values.WithCancellation(cancellationToken))
                    {
                        appender.CreateRow()
                            .AppendValue(value.UserId).AppendValue(value.IdType)
                            .AppendValue(value.Value).AppendValue(value.Numerator).AppendValue(value.Denominator)
                            .AppendValue(value.RowCount)
                            .EndRow();
                        units++;
                    }
                }
                var options = format == "csv" ? "FORMAT csv, HEADER true" : "FORMAT parquet";
                await ExecuteAsync(connection, $"COPY (SELECT * FROM units ORDER BY rowid) TO '{partial.Replace("'", "''")}' ({options})", cancellationToken);
            }
            File.Move(partial, full, overwrite: true);
            return units;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
