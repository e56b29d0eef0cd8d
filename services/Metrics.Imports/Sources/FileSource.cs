using System.Buffers;
using System.Runtime.CompilerServices;
using DuckDB.NET.Data;
using Metrics.Domain;
using Metrics.Imports.Schema;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Metrics.Imports.Sources;

/// <summary>
/// A source of CSV and Parquet files (what BigQuery's and Snowflake's exports write) under a root directory, read
/// with DuckDB: one engine for both formats, which also computes the fingerprint's <c>GROUP BY</c> where the rows
/// are, and streams the rows. The import's query is a path or a glob (<c>exports/2026-*/part-*.parquet</c>) relative
/// to the root; the server resolves it itself and hands DuckDB only the real paths of the files found, each under the
/// root's real path — no absolute path, no <c>..</c>, no symbolic link anywhere on the way leading out, no glob
/// character left for DuckDB to expand. One glob names files of one format (by extension).
/// CSV files have a header row; DuckDB detects the columns' types.
/// </summary>
internal sealed class FileSource(string name, string root) : IImportSource
{
    /// <summary>The characters that make a path a glob for DuckDB.</summary>
    private static readonly SearchValues<char> GlobCharacters = SearchValues.Create("*?[");

    private readonly string _root = Path.GetFullPath(root);

    public async Task<IReadOnlyList<DayFingerprint>> FingerprintAsync(string query, PacificDay from, PacificDay to, CancellationToken cancellationToken)
    {
        var files = Resolve(query);
        return await CallAsync(query, async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            var (source, columns) = await ImportFileFormat.DescribeAsync(connection, files, Matches(query), cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = columns.FingerprintSql(source, from.ToString(), to.ToString());
            return await ImportColumns.ReadFingerprintsAsync(command, cancellationToken);
        });
    }

    public async IAsyncEnumerable<SourceRow> ReadAsync(string query, PacificDay from, PacificDay to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var files = Resolve(query);
        await using var connection = await CallAsync(query, () => OpenAsync(cancellationToken));
        var (source, columns) = await CallAsync(query, () => ImportFileFormat.DescribeAsync(connection, files, Matches(query), cancellationToken));
        await using var command = connection.CreateCommand();
        command.CommandText = columns.RowsSql(source, from.ToString(), to.ToString());
        await using var reader = await CallAsync(query, async () => (System.Data.Common.DbDataReader)await command.ExecuteReaderAsync(cancellationToken));
        var rows = columns.RowReader();
        long row = 0;
        while (await CallAsync(query, () => reader.ReadAsync(cancellationToken)))
            yield return rows.Read(reader, ++row);
    }

    /// <summary>A files source has no signal table: its files are the data. signal_query names a file whose rows have finished_date.</summary>
    public async Task<PacificDay?> FinishedDateAsync(string signalQuery, CancellationToken cancellationToken)
    {
        var files = Resolve(signalQuery);
        return await CallAsync(signalQuery, async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT max(left(CAST(finished_date AS VARCHAR), 10)) FROM ({ImportFileFormat.ReaderSql(files, Matches(signalQuery))}) AS signal";
            var latest = await command.ExecuteScalarAsync(cancellationToken);
            return latest is string text && PacificDay.TryParse(text, out var day) ? day : (PacificDay?)null;
        });
    }

    private static async Task<DuckDBConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// The files the query names, in order, each as its real path (every symbolic link on the way followed), which must
    /// be under the real path of the root: DuckDB is given these paths, so it opens the very files checked. A real path
    /// with a character DuckDB reads as a glob (<c>*</c>, <c>?</c>, <c>[</c>) is refused, since DuckDB would expand it to
    /// files never checked.
    /// </summary>
    private List<string> Resolve(string query)
    {
        var pattern = query.Trim().Replace('\\', '/');
        if (pattern.Length == 0 || Path.IsPathRooted(pattern) || pattern.Split('/').Contains(".."))
            throw new SourceException(SourceFailure.Query, $"\"{query}\" is not a path under source {name}'s Root: give a path or glob relative to it, without '..'");
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(pattern);
        var realRoot = RealRoot();
        var files = new List<string>();
        foreach (var file in matcher.GetResultsInFullPath(_root).Order(StringComparer.Ordinal))
        {
            var shown = Path.GetRelativePath(_root, file);
            var real = RealPath.Of(file)
                ?? throw new SourceException(SourceFailure.Query, $"\"{query}\" matches {shown}, which cannot be opened (a broken symbolic link?)");
            if (!real.StartsWith(realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new SourceException(SourceFailure.Query, $"\"{query}\" leads out of source {name}'s Root (a symbolic link): {shown}");
            if (real.AsSpan().IndexOfAny(GlobCharacters) >= 0)
                throw new SourceException(SourceFailure.Query, $"\"{query}\" matches {shown}, whose path has *, ? or [ (which the file reader would take for a pattern): rename it");
            files.Add(real);
        }
        if (files.Count == 0)
            throw new SourceException(SourceFailure.Query, $"no file under source {name}'s Root matches \"{query}\"");
        ImportFileFormat.CheckFormat(files, Matches(query));
        return files;
    }

    private static string Matches(string query) => $"\"{query}\" matches";

    /// <summary>The real path of the root, read each time: the directory (or a link on its way) may have moved since the server started.</summary>
    private string RealRoot() =>
        RealPath.Of(_root) ?? throw new SourceException(SourceFailure.Unavailable, $"source {name}'s Root cannot be opened");

    private async Task<T> CallAsync<T>(string query, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (DuckDBException e)
        {
            // DuckDB's message names the file and the problem (a malformed CSV line, a missing column); no internals.
            throw new SourceException(SourceFailure.Query, $"source {name} could not read \"{query}\": {UnderRoot(ReaderError.Describe(e.Message))}", e);
        }
    }

    /// <summary><paramref name="message"/> with the files named by their paths under the root: where the root is on the server is not the client's to know.</summary>
    private string UnderRoot(string message)
    {
        foreach (var root in new[] { RealPath.Of(_root), _root }.OfType<string>())
            message = message.Replace(root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
        return message;
    }
}
