using System.Diagnostics;
using Metrics.Bench.Load;
using Npgsql;
using NpgsqlTypes;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// PEER: what a user would otherwise pick. S1's 2,000,000 rows loaded into a PostgreSQL the harness starts, with
/// one binary <c>COPY</c>, then aggregated as a seal does — per unit, then per metric — with one <c>GROUP BY</c>
/// query. Run after the scenarios it is compared with, so that S1, S5 and the bulk paths (IMPORT, IMPORT_FILES,
/// CLI_UPLOAD) of the same run are printed as ratios to it.
/// </summary>
public static class PeerScenario
{
    public const string Id = "PEER";
    public const string Title = "PostgreSQL: S1's rows loaded with COPY and aggregated with GROUP BY, against S1, S5 and the bulk paths";

    /// <summary>Each unit's total, then per metric the units, sum, mean and sample variance of the totals: what a seal computes.</summary>
    private const string Aggregate = """
        SELECT metric_name, count(*), sum(total), avg(total), var_samp(total)
        FROM (SELECT metric_name, id_type, unit_id, sum(metric_value) AS total FROM peer_rows GROUP BY metric_name, id_type, unit_id) AS units
        GROUP BY metric_name
        """;

    /// <summary>The bulk paths, each with its rows/s figure: the target is half of COPY's rate.</summary>
    private static readonly (string Id, string Key)[] BulkPaths =
        [("IMPORT", "rows_per_second"), ("IMPORT_FILES", "rows_per_second"), ("CLI_UPLOAD", Figures.RecordsPerSecond)];

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs(Id))
            return;
        await using var postgres = await PostgresServerProcess.StartAsync();
        await using var database = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using (var create = database.CreateCommand(
            "CREATE TABLE peer_rows (unit_id text, id_type text, date date, metric_name text, metric_value double precision)"))
            await create.ExecuteNonQueryAsync();

        await context.MeasureAsync(Id, Title, async (result, _) =>
        {
            var workload = context.IngestWorkload("peer");
            var rows = (long)workload.Metrics * workload.UnitsPerMetric;
            var copy = await CopyAsync(database, workload);
            var copyRate = rows / copy.TotalSeconds;
            var groupBy = await GroupByAsync(database, workload);

            result.Add(new Figure("copy_rows_per_second", "COPY rows/s", copyRate, "rows/s"));
            result.Add(new Figure("group_by_seconds", "per-unit then per-metric GROUP BY", groupBy.TotalSeconds, "s"));
            if (context.CompletedRate("S1") is { } s1)
                result.Add(Figures.Ratio("s1_to_copy", "S1 records/s ÷ COPY", s1 / copyRate));
            if (Completed(context, "S5", "seal_seconds") is { } seal)
                result.Add(Figures.Ratio("group_by_to_s5", "GROUP BY seconds ÷ S5 seal seconds", groupBy.TotalSeconds / seal));
            foreach (var (id, key) in BulkPaths)
            {
                if (Completed(context, id, key) is { } rate)
                    result.Add(Figures.Ratio($"{id.ToLowerInvariant()}_to_copy", $"{id} rows/s ÷ COPY", rate / copyRate, Target.Min(0.5)));
            }
            result.Add(new Figure("rows", "rows", rows, "rows"));
            result.Notes.Add($"{rows:N0} rows (S1's: {workload.Metrics} metrics × {workload.UnitsPerMetric:N0} units, {context.Date}) sent by one " +
                             "binary COPY from the harness into a logged table without indexes; PostgreSQL as the harness starts it (fsync off, " +
                             "synchronous_commit off: its fastest); the GROUP BY is the seal's work: each unit's total, then per metric the units, " +
                             "sum, mean and sample variance");
        });
    }

    private static double? Completed(BenchContext context, string id, string key) =>
        context.Results.FirstOrDefault(r => r.Id == id && r.Status == ScenarioStatus.Completed)?.Value(key);

    private static async Task<TimeSpan> CopyAsync(NpgsqlDataSource database, IngestWorkload workload)
    {
        var day = DateOnly.Parse(workload.Date, System.Globalization.CultureInfo.InvariantCulture);
        await using var connection = await database.OpenConnectionAsync();
        var clock = Stopwatch.StartNew();
        await using (var writer = await connection.BeginBinaryImportAsync("COPY peer_rows (unit_id, id_type, date, metric_name, metric_value) FROM STDIN (FORMAT BINARY)"))
        {
            for (var metric = 0; metric < workload.Metrics; metric++)
            {
                var name = workload.MetricName(metric);
                for (var unit = 0; unit < workload.UnitsPerMetric; unit++)
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(UserIds.Of(unit), NpgsqlDbType.Text);
                    await writer.WriteAsync("user_id", NpgsqlDbType.Text);
                    await writer.WriteAsync(day, NpgsqlDbType.Date);
                    await writer.WriteAsync(name, NpgsqlDbType.Text);
                    await writer.WriteAsync(IngestWorkload.ValueOf(unit), NpgsqlDbType.Double);
                }
            }
            await writer.CompleteAsync();
        }
        return clock.Elapsed;
    }

    private static async Task<TimeSpan> GroupByAsync(NpgsqlDataSource database, IngestWorkload workload)
    {
        await using var query = database.CreateCommand(Aggregate);
        query.CommandTimeout = 300;
        var clock = Stopwatch.StartNew();
        await using var reader = await query.ExecuteReaderAsync();
        var units = 0L;
        while (await reader.ReadAsync())
            units += reader.GetInt64(1);
        var elapsed = clock.Elapsed;
        if (units != (long)workload.Metrics * workload.UnitsPerMetric)
            throw new InvalidOperationException($"the GROUP BY counted {units:N0} units, not {(long)workload.Metrics * workload.UnitsPerMetric:N0}");
        return elapsed;
    }
}
