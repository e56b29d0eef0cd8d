using System.Diagnostics;
using Metrics.Bench.Hosting;
using Metrics.Contracts.V1;
using Npgsql;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// IMPORT: 2,000,000 rows of the import schema in one PostgreSQL table (a server the harness starts), one Pacific
/// day of 20 metrics × 100,000 units as S1 writes it, imported by a node of the Redis deployment — fingerprints,
/// the day's rows streamed, validated, staged and swapped in — beside the floor of reading the same query with
/// Npgsql alone in the same run. The node's resident memory is sampled during the import: the rows are streamed,
/// so it grows with the units the day holds, not with the rows read. As every scenario's node is warmed up with calls
/// of its workload, the node first runs imports of small tables into a project of its own (<see cref="ImportRuns.WarmUpImports"/>).
/// Every table is vacuumed once filled, so that neither the floor nor the import scans rows no reader has seen yet.
/// </summary>
public static class ImportScenario
{
    public const string Title = "Import of 2,000,000 PostgreSQL rows into one day, against reading them with Npgsql alone";

    private const int Metrics = 20;

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs("IMPORT"))
            return;
        var unitsPerMetric = context.Options.Scaled(100_000, 500);
        var warmUpUnitsPerMetric = context.Options.Scaled(2_000, 100);
        var warmUpImports = ImportRuns.WarmUpImports(context.Options);
        await using var postgres = await PostgresServerProcess.StartAsync();
        await using var database = NpgsqlDataSource.Create(postgres.ConnectionString);
        await FillAsync(database, "bench_rows", "import", context.Date, unitsPerMetric);
        for (var i = 1; i <= warmUpImports; i++)
            await FillAsync(database, $"bench_warmup_rows_{i}", $"warmup_{i}", context.Date, warmUpUnitsPerMetric);
        var project = BenchProject.Import;
        await using var node = await context.StartNodeAsync("node-import", onRedis: true, "import", new Dictionary<string, string>
        {
            [$"Metrics:Projects:{project.Name}:Sources:warehouse:Kind"] = "postgres",
            [$"Metrics:Projects:{project.Name}:Sources:warehouse:ConnectionString"] = postgres.ConnectionString,
            [$"Metrics:Projects:{BenchProject.Warmup.Name}:Sources:warehouse:Kind"] = "postgres",
            [$"Metrics:Projects:{BenchProject.Warmup.Name}:Sources:warehouse:ConnectionString"] = postgres.ConnectionString,
        });
        var query = Query("bench_rows");
        using var channel = node.CreateChannel();
        var imports = new ImportService.ImportServiceClient(channel);
        for (var i = 1; i <= warmUpImports; i++)
            await ImportRuns.RunToEndAsync(imports, BenchProject.Warmup, $"warmup-postgres-{i}", "warehouse", Query($"bench_warmup_rows_{i}"), context.Date, (long)Metrics * warmUpUnitsPerMetric);
        await node.WaitUntilIdleAsync();

        await context.MeasureAsync("IMPORT", Title, async (result, _) =>
        {
            var rows = (long)Metrics * unitsPerMetric;
            var floor = await FloorAsync(database, query.Replace("{{start_date}}", $"'{context.Date}'").Replace("{{end_date}}", $"'{context.Date}'"));

            var before = ResidentMemory.Bytes(node.ProcessId) ?? 0;
            var peak = before;
            var clock = Stopwatch.StartNew();
            await ImportRuns.RunToEndAsync(imports, project, "bench", "warehouse", query, context.Date, rows, () => peak = Math.Max(peak, ResidentMemory.Bytes(node.ProcessId) ?? 0));
            var seconds = clock.Elapsed.TotalSeconds;
            var rate = rows / seconds;
            result.Add(new Figure("rows_per_second", "import rows/s", rate, "rows/s", Target.Min(150_000), rate / floor));
            result.Add(new Figure("floor_rows_per_second", "Npgsql read rows/s (floor)", floor, "rows/s"));
            result.Add(Figures.Ratio("floor_ratio", "import ÷ floor", rate / floor, Target.Min(0.5)));
            result.Add(new Figure("rows", "rows", rows, "rows"));
            result.Add(new Figure("resident_before_mb", "node resident memory before", before / 1e6, "MB"));
            result.Add(new Figure("resident_peak_mb", "node resident memory, peak during the run", peak / 1e6, "MB"));
            result.Notes.Add($"{rows:N0} rows ({Metrics} metrics × {unitsPerMetric:N0} units, {context.Date}) in one table; the import's run from " +
                             "RunImport to the last WatchImportRun message; the floor reads the same query's rows with one NpgsqlDataReader; " +
                             $"the node warmed up by {warmUpImports} import(s) of {Metrics * warmUpUnitsPerMetric:N0} rows each into a project of its own; " +
                             "the table vacuumed and analyzed before either reads it");
        });
    }

    private static string Query(string table) => $"SELECT * FROM {table} WHERE date BETWEEN {{{{start_date}}}} AND {{{{end_date}}}}";

    private static async Task FillAsync(NpgsqlDataSource database, string table, string metricPrefix, string date, int unitsPerMetric)
    {
        await using var fill = database.CreateCommand($"""
            CREATE TABLE {table} (unit_id text, id_type text, date date, metric_name text, metric_value double precision, numerator double precision, denominator double precision);
            INSERT INTO {table}
              SELECT 'u' || u, 'user_id', DATE '{date}', '{metricPrefix}_' || lpad(m::text, 2, '0'), (u % 1000) / 10.0, NULL, NULL
              FROM generate_series(0, {Metrics - 1}) AS m, generate_series(0, {unitsPerMetric - 1}) AS u;
            """);
        fill.CommandTimeout = 600;
        await fill.ExecuteNonQueryAsync();
        // Vacuumed (every row frozen, visible to all) and analyzed now: no scan measured sets hint bits on the rows, and
        // the server's autovacuum has nothing left to do during a measurement.
        await using var vacuum = database.CreateCommand($"VACUUM (FREEZE, ANALYZE) {table}");
        vacuum.CommandTimeout = 600;
        await vacuum.ExecuteNonQueryAsync();
    }

    /// <summary>Rows/s of reading the query's rows with Npgsql, touching every column as a reader must.</summary>
    private static async Task<double> FloorAsync(NpgsqlDataSource database, string query)
    {
        await using var command = database.CreateCommand(query);
        var clock = Stopwatch.StartNew();
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0;
        double sum = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            sum += reader.GetString(0).Length + reader.GetString(1).Length + reader.GetDateTime(2).Day + reader.GetString(3).Length
                   + (reader.IsDBNull(4) ? 0 : reader.GetDouble(4));
        }
        GC.KeepAlive(sum);
        return rows / clock.Elapsed.TotalSeconds;
    }
}
