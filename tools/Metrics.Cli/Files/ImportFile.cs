using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using DuckDB.NET.Data;
using Metrics.Client.Uploads;
using Metrics.Contracts.V1;
using Metrics.Imports.Schema;

namespace Metrics.Cli.Files;

/// <summary>
/// A CSV or Parquet file in the import schema, read with DuckDB as the server's files source reads it (the same
/// column rules, <see cref="ImportColumns"/>), streamed row by row: a file of any size is never held in memory.
/// </summary>
internal sealed class ImportFile : IAsyncDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly string _source;
    private readonly ImportColumns _columns;

    private ImportFile(DuckDBConnection connection, string source, ImportColumns columns) =>
        (_connection, _source, _columns) = (connection, source, columns);

    /// <summary>Opens <paramref name="path"/> and checks its columns; a missing file, another format or a wrong column is a <see cref="UsageException"/> or <see cref="SourceException"/>.</summary>
    public static async Task<ImportFile> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new UsageException($"{path}: no such file");
        ImportFileFormat.CheckFormat([full], $"{path} is");
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            await connection.OpenAsync(cancellationToken);
            var (source, columns) = await Read(path, () => ImportFileFormat.DescribeAsync(connection, [full], $"{path} is", cancellationToken));
            return new ImportFile(connection, source, columns);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The file's rows: Parquet's from its metadata, CSV's by one scan.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM ({_source}) AS source";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>The rows in the file's order, numbered from 1, as the records they send; a row without a date, or a test row in an upload that is not, is marked wrong.</summary>
    public async IAsyncEnumerable<UploadRow> ReadAsync(bool isTest, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = _columns.RowsSql(_source);
        command.UseStreamingMode = true;
        await using var reader = await Read("the file", () => command.ExecuteReaderAsync(cancellationToken));
        var rows = _columns.RowReader();
        var dates = new DateCheck();
        long number = 0;
        while (NextRow(reader, cancellationToken))
        {
            var row = rows.Read(reader, ++number);
            yield return new UploadRow(row.RowNumber, Record(row), Problem(row, isTest, dates));
        }
    }

    /// <summary>The reader's next row: DuckDB reads synchronously whichever method is called, so no task a row.</summary>
    private static bool NextRow(DbDataReader reader, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return reader.Read();
        }
        catch (DuckDBException e)
        {
            throw Unreadable("the file", e);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static MetricRecord Record(SourceRow row)
    {
        var record = new MetricRecord { UserId = row.UnitId, IdType = row.IdType, MetricName = row.MetricName, Date = row.Date };
        if (row.IsRatio)
            (record.Numerator, record.Denominator) = (row.Numerator!.Value, row.Denominator!.Value);
        else
            record.MetricValue = row.Value;
        return record;
    }

    /// <summary>
    /// What is wrong with the row before it is sent: no date, a date not YYYY-MM-DD (text of another form: each value
    /// would be a day, and so a chunk and a call, of its own), or a test row in an upload of production ones.
    /// </summary>
    private static RowProblem? Problem(SourceRow row, bool isTest, DateCheck dates) =>
        row.Date.Length == 0 ? new RowProblem("date", "the row has no date: the import schema needs one")
        : !dates.IsDay(row.Date) ? new RowProblem("date", $"date \"{row.Date}\" is not a YYYY-MM-DD date")
        : row.IsTest && !isTest ? new RowProblem("is_test", "is_test is true: upload test rows with --test, in an upload of their own")
        : null;

    /// <summary>
    /// Whether a date is YYYY-MM-DD, parsed once an instance: the row reader gives a run of rows of one date one string,
    /// so the rows of a day after the first are known by reference.
    /// </summary>
    private sealed class DateCheck
    {
        private string? _day;

        public bool IsDay(string date)
        {
            if (ReferenceEquals(date, _day))
                return true;
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                return false;
            _day = date;
            return true;
        }
    }

    /// <summary>DuckDB's words for the problem and where (a malformed CSV line); no internals.</summary>
    private static async Task<T> Read<T>(string what, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (DuckDBException e)
        {
            throw Unreadable(what, e);
        }
    }

    private static SourceException Unreadable(string what, DuckDBException e) =>
        new(SourceFailure.Query, $"{what} could not be read: {ReaderError.Describe(e.Message)}", e);
}
