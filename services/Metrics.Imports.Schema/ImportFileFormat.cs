using System.Data.Common;

namespace Metrics.Imports.Schema;

/// <summary>
/// The file formats of the import schema — CSV with a header row and Parquet, what BigQuery's and Snowflake's
/// exports write — told apart by extension, and the DuckDB query that reads a list of files of one format.
/// </summary>
public static class ImportFileFormat
{
    /// <summary>The columns that hold text: read as text from a CSV file whatever they look like (IDs such as 0042 or 1e5).</summary>
    private static readonly string[] TextColumns = ["unit_id", "user_id", "id_type", "metric_name"];

    /// <summary>The DuckDB <c>SELECT</c> that reads <paramref name="files"/> (full paths, one format); throws <see cref="SourceException"/> otherwise.</summary>
    public static string ReaderSql(IReadOnlyList<string> files, string described) => ReaderSql(files, described, []);

    /// <summary>
    /// The query that reads <paramref name="files"/> in the import schema and its checked columns. DuckDB guesses a CSV
    /// column's type from a sample of its rows: a column of unit IDs that look like numbers would lose leading zeros,
    /// or fail on the first ID past the sample that does not; so the schema's text columns are read as text.
    /// DuckDB's errors (<c>DbException</c>) are the caller's to word.
    /// </summary>
    public static async Task<(string Source, ImportColumns Columns)> DescribeAsync(
        DbConnection connection, IReadOnlyList<string> files, string described, CancellationToken cancellationToken)
    {
        var source = ReaderSql(files, described);
        if (IsCsv(files))
        {
            await using var guessed = await SchemaAsync(connection, source, cancellationToken);
            var text = Enumerable.Range(0, guessed.FieldCount).Select(guessed.GetName)
                .Where(name => TextColumns.Contains(name, StringComparer.OrdinalIgnoreCase))
                .ToList();
            source = ReaderSql(files, described, text);
        }
        await using var schema = await SchemaAsync(connection, source, cancellationToken);
        return (source, ImportColumns.Of(schema));
    }

    /// <summary>Throws <see cref="SourceException"/> unless <paramref name="files"/> are .csv or .parquet files, of one format.</summary>
    public static void CheckFormat(IReadOnlyList<string> files, string described)
    {
        var formats = files.Select(f => Path.GetExtension(f).ToLowerInvariant()).Distinct().ToList();
        if (formats is not ([".csv"] or [".parquet"]))
            throw new SourceException(SourceFailure.Query,
                $"{described} {string.Join(", ", formats.Select(f => f.Length == 0 ? "a file without an extension" : f))}: the files are .csv or .parquet, of one format");
    }

    private static string ReaderSql(IReadOnlyList<string> files, string described, IReadOnlyList<string> textColumns)
    {
        CheckFormat(files, described);
        var list = string.Join(", ", files.Select(Quote));
        if (!IsCsv(files))
            return $"SELECT * FROM read_parquet([{list}])";
        var types = textColumns.Count == 0 ? "" : $", types = {{{string.Join(", ", textColumns.Select(c => $"{Quote(c)}: 'VARCHAR'"))}}}";
        return $"SELECT * FROM read_csv([{list}], header = true{types})";
    }

    private static bool IsCsv(IReadOnlyList<string> files) => Path.GetExtension(files[0]).Equals(".csv", StringComparison.OrdinalIgnoreCase);

    private static async Task<DbDataReader> SchemaAsync(DbConnection connection, string source, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM ({source}) AS source LIMIT 0";
        return await command.ExecuteReaderAsync(cancellationToken);
    }

    private static string Quote(string text) => $"'{text.Replace("'", "''")}'";
}
