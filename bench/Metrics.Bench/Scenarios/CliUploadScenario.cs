using System.Diagnostics;
using System.Text.Json;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// CLI_UPLOAD: <c>metrics upload</c> of S1's 2,000,000 rows (20 metrics × 100,000 units, one day) from one Parquet
/// file, run as a process of its own with its default chunks and concurrency against a fresh node of the Redis
/// deployment; timed from the tool's start to its exit (its row count, the reads, the calls and the report), and
/// checked by the report it writes. Compared with S1 of the same run. An upload of 1,000 rows goes first, unmeasured,
/// so that the tool starts with its start-up profile, as any run after a user's first does.
/// </summary>
public static class CliUploadScenario
{
    public const string Id = "CLI_UPLOAD";
    public const string Title = "metrics upload of a 2,000,000-row Parquet file, against S1";

    private const int Metrics = 20;
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CpuSample = TimeSpan.FromMilliseconds(200);

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs(Id))
            return;
        var unitsPerMetric = context.Options.Scaled(100_000, 500);
        var rows = (long)Metrics * unitsPerMetric;
        var file = Path.Combine(context.WorkDirectory, "cli-upload.parquet");
        await ImportRowsFile.WriteParquetAsync(file, context.Date, "cli", Metrics, unitsPerMetric);
        await using var node = await context.StartNodeAsync("node-cli-upload", onRedis: true, "cli-upload");
        await GrpcIngest.WarmUpAsync(context, node);
        // The tool compiles on other cores what its last run of the command compiled (its start-up profile): an upload
        // of a few rows first, as a daily upload finds the one before it.
        var warmUp = Path.Combine(context.WorkDirectory, "cli-upload-warm-up.parquet");
        await ImportRowsFile.WriteParquetAsync(warmUp, context.Date, "cli_warm_up", 2, 500);
        await UploadAsync(context, node, warmUp, Path.Combine(context.WorkDirectory, "cli-upload-warm-up-report.json"));

        await context.MeasureAsync(Id, Title, async (result, _) =>
        {
            var reportFile = Path.Combine(context.WorkDirectory, "cli-upload-report.json");
            var (seconds, cpu) = await UploadAsync(context, node, file, reportFile);
            using var report = JsonDocument.Parse(await File.ReadAllBytesAsync(reportFile));
            var applied = report.RootElement.GetProperty("rows_applied").GetInt64();
            var rejected = report.RootElement.GetProperty("rows_rejected").GetInt64();
            if (applied != rows || rejected != 0)
                throw new InvalidOperationException($"the upload applied {applied:N0} of {rows:N0} rows and rejected {rejected:N0}");
            var rate = rows / seconds;
            var floor = context.CompletedRate(FloorScenario.Id);
            result.Add(new Figure(Figures.RecordsPerSecond, "rows/s", rate, "rows/s", RatioToFloor: floor is > 0 ? rate / floor : null));
            if (context.CompletedRate("S1") is { } s1 and > 0)
                result.Add(Figures.Ratio("ratio_to_s1", "rows/s ÷ S1", rate / s1, Target.Min(0.8)));
            result.Add(new Figure("tool_cores", "the tool's cores", cpu.TotalSeconds / seconds, "cores"));
            result.Add(new Figure("rows", "rows", rows, "rows"));
            result.Notes.Add($"{rows:N0} rows ({Metrics} metrics × {unitsPerMetric:N0} units, {context.Date}) in one Parquet file of " +
                             $"{new FileInfo(file).Length / 1e6:0.0} MB; the tool's defaults: calls of 5,000 rows, 4 at a time; " +
                             "timed from the process's start to its exit, after an unmeasured upload of 1,000 rows (the tool's start-up profile); the tool has exited when the CPU table is made, so its CPU shows there " +
                             "under other processes");
        });
    }

    /// <summary>Runs the tool to its end: its wall time and (sampled every 200 ms, so to within that) its CPU time.</summary>
    private static async Task<(double Seconds, TimeSpan Cpu)> UploadAsync(BenchContext context, MetricsServerProcess node, string file, string reportFile)
    {
        var log = Path.Combine(context.LogDirectory, "cli-upload.log");
        var info = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            ArgumentList = { "-c", "exec \"$@\" > \"$0\" 2>&1", log, "dotnet", RepositoryLayout.BuildOutput(Path.Combine("tools", "Metrics.Cli"), "metrics.dll"),
                "upload", file, "--url", node.GrpcAddress.ToString(), "--key", BenchProject.CliUpload.IngestKey, "--report", reportFile },
        };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        ChildProcesses.Register(process);
        var cpu = TimeSpan.Zero;
        using var limit = new CancellationTokenSource(RunLimit);
        try
        {
            while (!process.HasExited)
            {
                cpu = CpuMeter.CpuTime(process.Id) ?? cpu;
                await Task.WhenAny(process.WaitForExitAsync(limit.Token), Task.Delay(CpuSample, limit.Token));
                limit.Token.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await ChildProcesses.KillAsync(process);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"metrics upload exited {process.ExitCode}: {string.Join(" | ", File.ReadLines(log).TakeLast(5))}");
        return (seconds, cpu);
    }
}
