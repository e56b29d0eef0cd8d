namespace Metrics.Imports.Schema;

/// <summary>
/// The file formats of the import schema — CSV with a header row and Parquet, what BigQuery's and Snowflake's
/// exports write — told apart by extension, and the DuckDB query that reads a list of files of one format.
/// </summary>
public static class ImportFileFormat
{
    /// <summary>The DuckDB <c>SELECT</c> that reads <paramref name="files"/> (full paths, one format); throws <see cref="SourceException"/> otherwise.</summary>
    public static string ReaderSql(IReadOnlyList<string> files, string described)
    {
        var formats = files.Select(f => Path.GetExtension(f).ToLowerInvariant()).Distinct().ToList();
        var reader = formats switch
        {
            [".csv"] => "read_csv",
            [".parquet"] => "read_parquet",
            _ => throw new SourceException(SourceFailure.Query,
                $"{described} {string.Join(", ", formats.Select(f => f.Length == 0 ? "a file without an extension" : f))}: the files are .csv or .parquet, of one format"),
        };
        var list = string.Join(", ", files.Select(f => $"'{f.Replace("'", "''")}'"));
        return reader == "read_csv" ? $"SELECT * FROM read_csv([{list}], header = true)" : $"SELECT * FROM read_parquet([{list}])";
    }
}
