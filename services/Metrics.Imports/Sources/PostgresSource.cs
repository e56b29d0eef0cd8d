using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Metrics.Domain;
using Metrics.Imports.Schema;
using Npgsql;
using NpgsqlTypes;

namespace Metrics.Imports.Sources;

/// <summary>
/// A source over the PostgreSQL wire protocol (PostgreSQL, Amazon Redshift), through Npgsql. The import's query
/// may use <c>{{start_date}}</c> and <c>{{end_date}}</c>, either or both: those it uses are bound as parameters of unspecified type holding
/// <c>YYYY-MM-DD</c>, so the server takes them for what they are compared with — a DATE column or a text one
/// (in a place that says nothing of the type, cast them: <c>{{start_date}}::date</c>). The query runs wrapped:
/// its result columns are checked first (a query with no rows), the fingerprint is one <c>GROUP BY</c> over it, and
/// rows are streamed as the server sends them. The window is applied around the query as well, so a query that
/// ignores the placeholders still yields only the window's rows.
/// </summary>
internal sealed class PostgresSource(string name, NpgsqlDataSource database) : IImportSource
{
    /// <summary>A query that runs longer than this is cancelled by the server; the run fails saying so.</summary>
    private const int CommandTimeoutSeconds = 600;

    public async Task<IReadOnlyList<DayFingerprint>> FingerprintAsync(string query, PacificDay from, PacificDay to, CancellationToken cancellationToken) =>
        await CallAsync(async () =>
        {
            var bound = BoundQuery.Of(query, from, to);
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var columns = await ColumnsAsync(connection, bound, cancellationToken);
            await using var command = Command(connection, columns.FingerprintSql(bound.Sql, from.ToString(), to.ToString()), bound);
            return await ImportColumns.ReadFingerprintsAsync(command, cancellationToken);
        });

    public async IAsyncEnumerable<SourceRow> ReadAsync(string query, PacificDay from, PacificDay to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var bound = BoundQuery.Of(query, from, to);
        await using var connection = await CallAsync(() => database.OpenConnectionAsync(cancellationToken).AsTask());
        var columns = await CallAsync(() => ColumnsAsync(connection, bound, cancellationToken));
        await using var command = Command(connection, columns.RowsSql(bound.Sql, from.ToString(), to.ToString()), bound);
        await using var reader = await CallAsync(() => command.ExecuteReaderAsync(cancellationToken));
        // Cancelled once for the whole read, by the server: a token passed to each read is registered and released
        // again every time Npgsql fills its buffer, and that contends for the token's lock.
        await using var cancel = cancellationToken.Register(command.Cancel);
        var rows = columns.RowReader();
        long row = 0;
        while (await NextAsync(reader, cancellationToken))
            yield return rows.Read(reader, ++row);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Moves to the next row: a call of <see cref="CallAsync{T}"/>, but without a delegate to allocate at every row when
    /// the row is already buffered.
    /// </summary>
    private async ValueTask<bool> NextAsync(NpgsqlDataReader reader, CancellationToken cancelled)
    {
        Task<bool> next;
        try
        {
            next = reader.ReadAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            next = Task.FromException<bool>(e);
        }
        return next.IsCompletedSuccessfully ? next.Result : await CallAsync(() => next, cancelled);
    }

    public Task<PacificDay?> FinishedDateAsync(string signalQuery, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT max(left(CAST(finished_date AS VARCHAR), 10)) FROM ({signalQuery}) AS signal", connection) { CommandTimeout = CommandTimeoutSeconds };
        var latest = await command.ExecuteScalarAsync(cancellationToken);
        if (latest is null or DBNull)
            return (PacificDay?)null;
        return PacificDay.TryParse((string)latest, out var day)
            ? day
            : throw new SourceException(SourceFailure.Schema, $"signal_query returned finished_date \"{latest}\", not a DATE or YYYY-MM-DD");
    });

    private static async Task<ImportColumns> ColumnsAsync(NpgsqlConnection connection, BoundQuery bound, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT * FROM ({bound.Sql}) AS source LIMIT 0", bound);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return ImportColumns.Of(reader);
    }

    /// <summary>A command of <paramref name="sql"/> (the bound query, wrapped by SQL that uses no parameter) with the bound query's values.</summary>
    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, BoundQuery bound)
    {
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = CommandTimeoutSeconds };
        foreach (var value in bound.Values)
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Unknown });
        return command;
    }

    /// <summary>
    /// Runs a call to the server, its failures told as <see cref="SourceException"/>s; a call that fails once
    /// <paramref name="cancelled"/> is, cancelled by it (a query cancelled by the server).
    /// </summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancelled = default)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (cancelled.IsCancellationRequested && e is not OperationCanceledException)
        {
            throw new OperationCanceledException(cancelled);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("28", StringComparison.Ordinal) || e.SqlState.StartsWith("08", StringComparison.Ordinal))
        {
            throw new SourceException(SourceFailure.Unavailable, $"source {name} could not be reached: {e.MessageText}", e);
        }
        catch (PostgresException e)
        {
            throw new SourceException(SourceFailure.Query, $"source {name} refused the query: {e.MessageText}{(e.Hint is { } hint ? $" ({hint})" : "")}", e);
        }
        catch (NpgsqlException e) when (e.InnerException is SocketException or TimeoutException or IOException || e.IsTransient)
        {
            throw new SourceException(SourceFailure.Unavailable, $"source {name} could not be reached ({Reason(e)}); the run applied nothing of the day it was reading", e);
        }
        catch (TimeoutException e)
        {
            throw new SourceException(SourceFailure.Unavailable, $"source {name} did not answer in time", e);
        }
    }

    private static string Reason(NpgsqlException e) => e.InnerException switch
    {
        SocketException socket => socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.TimedOut => "connection timed out",
            SocketError.HostNotFound => "host not found",
            var code => code.ToString(),
        },
        TimeoutException => "timed out",
        _ => "connection failed",
    };
}
