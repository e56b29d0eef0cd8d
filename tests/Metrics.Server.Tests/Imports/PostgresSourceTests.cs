using Metrics.Domain;
using Metrics.Imports.Sources;

namespace Metrics.Server.Tests.Imports;

/// <summary>The <c>postgres</c> source against the tests' PostgreSQL, below the import's run.</summary>
[Collection(ImportCollection.Name)]
public sealed class PostgresSourceTests(ImportServer server)
{
    private static readonly PacificDay Day = PacificDay.Parse("2026-02-21");

    [Fact]
    public async Task AReadCancelledWhileTheServerComputesEndsCancelledAndStopsTheQueryOnTheServer()
    {
        await using var database = server.OpenDatabase();
        var source = new PostgresSource("warehouse", database);
        var marker = $"slow_{Guid.NewGuid():N}";
        // Rows enough to fill the server's send buffer, then a row that takes ten minutes: the read waits in between.
        var query = $"""
            SELECT 'u' || g AS unit_id, 'user_id' AS id_type, DATE '{Day}' AS date, '{marker}' AS metric_name, CAST(g AS FLOAT8) AS metric_value
            FROM generate_series(1, 10000) AS g
            UNION ALL
            SELECT 'u0', 'user_id', DATE '{Day}', '{marker}', CAST(0 AS FLOAT8) FROM (SELECT pg_sleep(600)) AS slow
            """;
        using var cancel = new CancellationTokenSource();
        await using var rows = source.ReadAsync(query, Day, Day, cancel.Token).GetAsyncEnumerator(CancellationToken.None);
        Assert.True(await rows.MoveNextAsync());
        var read = 1;
        var reading = Task.Run(async () =>
        {
            while (await rows.MoveNextAsync())
                read++;
        });
        await WaitUntilAsync(async () => await RunningAsync(database, marker) == 1);
        Assert.False(reading.IsCompleted);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.InRange(read, 1, 10_000);
        await WaitUntilAsync(async () => await RunningAsync(database, marker) == 0);
    }

    /// <summary>Queries of the server running with <paramref name="marker"/> in their text, this one aside.</summary>
    private static async Task<long> RunningAsync(Npgsql.NpgsqlDataSource database, string marker)
    {
        await using var command = database.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND position($1 in query) > 0");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = marker });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
            await Task.Delay(50, timeout.Token);
    }
}
