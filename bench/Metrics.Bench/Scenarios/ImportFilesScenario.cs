using System.Diagnostics;
using DuckDB.NET.Data;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;
using Metrics.Contracts.V1;
using Parquet.Serialization;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// IMPORT_FILES: IMPORT's 2,000,000 rows as one Parquet file (written by Parquet.Net) under a files source's Root,
/// imported by a node of the Redis deployment, beside two floors of reading the same file in the harness: DuckDB
/// (what the files source reads with) and Parquet.Net's serializer (the alternative it was chosen over).
/// </summary>
public static class ImportFilesScenario
{
    public const string Title = "Import of 2,000,000 rows from a Parquet file, against reading it with DuckDB and with Parquet.Net";

    private const int Metrics = 20;

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs("IMPORT_FILES"))
            return;
        var unitsPerMetric = context.Options.Scaled(100_000, 500);
        var root = Directory.CreateDirectory(Path.Combine(context.WorkDirectory, "import-files")).FullName;
        var file = Path.Combine(root, "rows.parquet");
        await ImportRowsFile.WriteParquetAsync(file, context.Date, "import", Metrics, unitsPerMetric);
        var warmUpUnitsPerMetric = context.Options.Scaled(2_000, 100);
        var warmUpImports = ImportRuns.WarmUpImports(context.Options);
        for (var i = 1; i <= warmUpImports; i++)
            await ImportRowsFile.WriteParquetAsync(Path.Combine(root, $"warmup_{i}.parquet"), context.Date, $"warmup_files_{i}", Metrics, warmUpUnitsPerMetric);
        var project = BenchProject.ImportFiles;
        await using var node = await context.StartNodeAsync("node-import-files", onRedis: true, "import-files", new Dictionary<string, string>
        {
            [$"Metrics:Projects:{project.Name}:Sources:files:Kind"] = "files",
            [$"Metrics:Projects:{project.Name}:Sources:files:Root"] = root,
            [$"Metrics:Projects:{BenchProject.Warmup.Name}:Sources:files:Kind"] = "files",
            [$"Metrics:Projects:{BenchProject.Warmup.Name}:Sources:files:Root"] = root,
        });
        using var channel = node.CreateChannel();
        var imports = new ImportService.ImportServiceClient(channel);
        // The node warmed up as every scenario's is: small imports into a project of its own.
        for (var i = 1; i <= warmUpImports; i++)
            await ImportRuns.RunToEndAsync(imports, BenchProject.Warmup, $"warmup-files-{i}", "files", $"warmup_{i}.parquet", context.Date, (long)Metrics * warmUpUnitsPerMetric);
        await node.WaitUntilIdleAsync();

        await context.MeasureAsync("IMPORT_FILES", Title, async (result, _) =>
        {
            var rows = (long)Metrics * unitsPerMetric;
            var duckDb = await DuckDbFloorAsync(file);
            var parquetNet = await ParquetNetFloorAsync(file);
            var clock = Stopwatch.StartNew();
            await ImportRuns.RunToEndAsync(imports, project, "bench", "files", "rows.parquet", context.Date, rows);
            var seconds = clock.Elapsed.TotalSeconds;
            var rate = rows / seconds;
            result.Add(new Figure("rows_per_second", "import rows/s", rate, "rows/s", Target.Min(150_000), rate / duckDb));
            result.Add(new Figure("duckdb_rows_per_second", "DuckDB read rows/s (floor)", duckDb, "rows/s"));
            result.Add(new Figure("parquet_net_rows_per_second", "Parquet.Net read rows/s", parquetNet, "rows/s"));
            result.Add(new Figure("rows", "rows", rows, "rows"));
            result.Notes.Add($"{rows:N0} rows ({Metrics} metrics × {unitsPerMetric:N0} units, {context.Date}) in one Parquet file of " +
                             $"{new FileInfo(file).Length / 1e6:0.0} MB; each floor reads every row's columns in the harness; the node warmed up by {warmUpImports} import(s) of " +
                             $"{Metrics * warmUpUnitsPerMetric:N0} rows each into a project of its own");
        });
    }

    private static async Task<double> DuckDbFloorAsync(string file)
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT unit_id, id_type, CAST(date AS VARCHAR), metric_name, metric_value FROM read_parquet('{file.Replace("'", "''")}')";
        var clock = Stopwatch.StartNew();
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0;
        double touched = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            touched += reader.GetString(0).Length + reader.GetString(1).Length + reader.GetString(2).Length + reader.GetString(3).Length
                       + (reader.IsDBNull(4) ? 0 : reader.GetDouble(4));
        }
        GC.KeepAlive(touched);
        return rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Rows/s of reading the file into one object a row with Parquet.Net's serializer, touching each column.</summary>
    private static async Task<double> ParquetNetFloorAsync(string file)
    {
        var clock = Stopwatch.StartNew();
        await using var stream = File.OpenRead(file);
        var rows = (await ParquetSerializer.DeserializeAsync<ImportRowsFile.Row>(stream)).Data;
        var touched = rows.Sum(r => r.UnitId.Length + r.IdType.Length + r.Date.Day + r.MetricName.Length + (r.MetricValue ?? 0.0));
        GC.KeepAlive(touched);
        return rows.Count / clock.Elapsed.TotalSeconds;
    }
}
