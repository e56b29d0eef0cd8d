using System.Text.Json;
using System.Text.RegularExpressions;
using Metrics.Contracts.V1;
using Metrics.Testing;

namespace Metrics.Cli.Tests;

/// <summary><c>metrics upload</c> of CSV and Parquet files against a real server: the aggregates, the report, the exit code, the progress lines.</summary>
[Collection(CliCollection.Name)]
public sealed partial class UploadTests(CliServer cli)
{
    /// <summary>Days 5, 4 and 3 days ago: open in a fresh project and not in the future.</summary>
    private static readonly string FirstDay = PacificTime.DaysAgo(5);

    /// <summary>
    /// Two metrics over three days — one of values (some rows with no value, which count 0), one of ratios — for
    /// units of two ID types that come back many times (so values add up per unit), in interleaved days.
    /// </summary>
    private static string Rows(int count) => $"""
        SELECT 'u' || (i % 700) AS unit_id,
               CASE WHEN i % 5 = 0 THEN 'stable_id' ELSE 'user_id' END AS id_type,
               DATE '{FirstDay}' + CAST(i % 3 AS INTEGER) AS date,
               CASE WHEN i % 2 = 0 THEN 'cli_value' ELSE 'cli_ratio' END AS metric_name,
               CASE WHEN i % 2 = 0 AND i % 11 <> 0 THEN (i % 97) / 4.0 END AS metric_value,
               CASE WHEN i % 2 = 1 THEN (i % 13) * 1.5 END AS numerator,
               CASE WHEN i % 2 = 1 THEN 1 + i % 4 END AS denominator
        FROM range({count}) t(i)
        """;

    [Theory]
    [InlineData(".csv")]
    [InlineData(".parquet")]
    public async Task An_upload_gives_the_aggregates_SQL_computes_from_the_file(string extension)
    {
        var project = cli.NewProject();
        var file = cli.NewFile(extension);
        await ImportFiles.WriteAsync(file, Rows(24_000));

        var result = await cli.RunAsync(project.IngestKey, "upload", file, "--chunk-size", "1000");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("uploaded: 24,000 rows read, 24,000 applied, 0 already applied", result.Stdout);
        await AssertAggregatesAsync(project, file);
    }

    [Fact]
    public async Task An_upload_killed_half_way_and_run_again_ends_exact_and_says_how_many_chunks_were_applied_before()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".parquet");
        const int rows = 600_000;
        await ImportFiles.WriteAsync(file, Rows(rows));
        string[] args = ["upload", file, "--chunk-size", "1000", "--parallel", "1", .. cli.Connect(project.IngestKey)];

        long appliedBeforeKill;
        await using (var first = CliProcess.Start(args))
        {
            var line = await first.WaitForLineAsync(l => Progress(l)?.Applied > 0, TimeSpan.FromSeconds(60));
            await first.KillAsync();
            appliedBeforeKill = Progress(line)!.Value.Applied;
        }
        Assert.InRange(appliedBeforeKill, 1, rows - 1);

        var second = await CliProcess.RunAsync(args);

        Assert.True(second.ExitCode == 0, second.ToString());
        var report = UploadedLine().Match(second.Stdout);
        Assert.True(report.Success, second.ToString());
        var (applied, already, duplicateChunks) = (Number(report.Groups["applied"].Value), Number(report.Groups["already"].Value), Number(report.Groups["dup"].Value));
        Assert.Equal(rows, applied + already);
        Assert.True(already >= appliedBeforeKill, $"{already} already applied, but {appliedBeforeKill} were before the kill");
        Assert.Equal(already / 1000, duplicateChunks);
        await AssertAggregatesAsync(project, file);
    }

    [Fact]
    public async Task An_interrupt_stops_an_upload_with_the_report_so_far_and_the_next_run_sends_the_rest()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".parquet");
        const int rows = 600_000;
        await ImportFiles.WriteAsync(file, Rows(rows));
        string[] args = ["upload", file, "--chunk-size", "1000", "--parallel", "1", .. cli.Connect(project.IngestKey)];

        CliResult first;
        await using (var upload = CliProcess.Start(args))
        {
            await upload.WaitForLineAsync(l => Progress(l)?.Applied > 0, TimeSpan.FromSeconds(60));
            upload.Terminate();
            first = await upload.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.True(first.ExitCode == 1, first.ToString());
        var stopped = InterruptedLine().Match(first.Stdout);
        Assert.True(stopped.Success, first.ToString());
        var appliedFirst = Number(stopped.Groups["applied"].Value);
        Assert.InRange(appliedFirst, 1, rows - 1);
        Assert.Empty(first.Stderr);
        var second = await CliProcess.RunAsync(args);
        Assert.True(second.ExitCode == 0, second.ToString());
        var report = UploadedLine().Match(second.Stdout);
        Assert.Equal(rows, Number(report.Groups["applied"].Value) + Number(report.Groups["already"].Value));
        await AssertAggregatesAsync(project, file);
    }

    [Fact]
    public async Task Bad_rows_are_reported_by_row_number_and_reason_and_the_rest_is_applied()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".csv");
        // Rows 3, 6 and 9 of 2,000 are wrong: an ID type the project does not define, no unit, a date in the future.
        await ImportFiles.WriteAsync(file, $"""
            SELECT CASE WHEN i = 5 THEN NULL ELSE 'u' || i END AS unit_id,
                   CASE WHEN i = 2 THEN 'userID' ELSE 'user_id' END AS id_type,
                   CASE WHEN i = 8 THEN DATE '{PacificTime.DaysAgo(-3)}' ELSE DATE '{FirstDay}' END AS date,
                   'cli_bad' AS metric_name, 1.0 AS metric_value
            FROM range(2000) t(i)
            """);
        var reportFile = cli.NewFile(".json");

        var result = await cli.RunAsync(project.IngestKey, "upload", file, "--chunk-size", "1000", "--report", reportFile);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("1,997 applied, 0 already applied", result.Stdout);
        Assert.Contains("3 rejected", result.Stdout);
        Assert.Matches(@"rejected: row 3 id_type: .*userID.*did you mean ""user_id""", result.Stdout);
        Assert.Matches(@"rejected: row 6 unit_id: ", result.Stdout);
        Assert.Matches(@"rejected: row 9 date: ", result.Stdout);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(reportFile));
        Assert.Equal(1997, report.RootElement.GetProperty("rows_applied").GetInt64());
        var rejected = report.RootElement.GetProperty("rejected").EnumerateArray()
            .Select(r => (r.GetProperty("row").GetInt64(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal([(3L, "id_type"), (6L, "unit_id"), (9L, "date")], rejected);
        using var client = cli.Client(project);
        Assert.Equal(1997, (await client.GetMetricDayAsync("cli_bad", FirstDay)).Overall.RowCount);
    }

    [Fact]
    public async Task Rows_sharing_one_fault_that_the_server_finds_are_refused_in_one_round_per_chunk()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".csv");
        // 2,500 rows of 3,000 have an ID type the project does not define: over 800 a chunk, where an error names 100.
        await ImportFiles.WriteAsync(file, $"""
            SELECT 'u' || i AS unit_id, CASE WHEN i % 6 = 0 THEN 'user_id' ELSE 'userID' END AS id_type,
                   DATE '{FirstDay}' AS date, 'cli_one_fault' AS metric_name, 1.0 AS metric_value
            FROM range(3000) t(i)
            """);

        var result = await cli.RunAsync(project.IngestKey, "upload", file, "--chunk-size", "1000");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("500 applied", result.Stdout);
        Assert.Contains("2,500 rejected", result.Stdout);
        Assert.Matches(@"rejected: row 2 id_type: .*userID", result.Stdout);
        using var admin = new HttpClient { BaseAddress = cli.Server.AdminAddress };
        var calls = await Scrape.OfAsync(admin);
        var p = ("project", project.Name);
        // Three chunks: each refused once, then applied once.
        Assert.Equal(3, calls.Value("metrics_requests_total", p, ("rpc", "LogCustomMetric"), ("code", "InvalidArgument")));
        Assert.Equal(3, calls.Value("metrics_requests_total", p, ("rpc", "LogCustomMetric"), ("code", "OK")));
        using var client = cli.Client(project);
        Assert.Equal(500, (await client.GetMetricDayAsync("cli_one_fault", FirstDay)).Overall.RowCount);
    }

    [Fact]
    public async Task Rows_valid_only_in_a_later_run_are_refused_with_their_chunks_key_not_applied_again()
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        // An import owns cli_owned while the first upload runs, so that upload's rows for it are refused.
        var imported = cli.NewFile(".parquet");
        await ImportFiles.WriteAsync(imported, $"SELECT 'i' || i AS unit_id, 'user_id' AS id_type, DATE '{FirstDay}' AS date, 'cli_owned' AS metric_name, 1.0 AS metric_value FROM range(10) t(i)");
        await client.Imports.CreateImportAsync(new CreateImportRequest { Import = new Import { ImportId = "owner", Source = "files", Query = Path.GetFileName(imported) } });
        var import = await cli.RunAsync(project.ServerSecret, "imports", "run", "owner", "--from", FirstDay, "--to", FirstDay, "--watch");
        Assert.True(import.ExitCode == 0, import.ToString());
        var file = cli.NewFile(".csv");
        await ImportFiles.WriteAsync(file, $"""
            SELECT 'u' || i AS unit_id, 'user_id' AS id_type, DATE '{FirstDay}' AS date,
                   CASE WHEN i < 5 THEN 'cli_owned' ELSE 'cli_free' END AS metric_name, 2.0 AS metric_value
            FROM range(1005) t(i)
            """);

        var first = await cli.RunAsync(project.IngestKey, "upload", file);
        await client.Imports.DeleteImportAsync(new DeleteImportRequest { ImportId = "owner" });
        var again = await cli.RunAsync(project.IngestKey, "upload", file);

        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.Contains("1,000 applied, 0 already applied, 5 rejected", first.Stdout);
        // The chunk's five rows are valid now: the chunk is a body other than the one its key applied, and refused.
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("0 applied, 0 already applied, 1,005 rejected", again.Stdout);
        Assert.Matches(@"rejected: row 1 idempotency_key: ", again.Stdout);
        Assert.Equal(1000, (await client.GetMetricDayAsync("cli_free", FirstDay)).Overall.RowCount);
        Assert.Equal(10, (await client.GetMetricDayAsync("cli_owned", FirstDay)).Overall.RowCount);
    }

    [Fact]
    public async Task Rows_of_a_sealed_day_are_reported_late_and_the_other_days_are_applied()
    {
        var project = cli.NewProject();
        var sealedDay = PacificTime.DaysAgo(9);
        using (var client = cli.Client(project))
            await client.MarkDataReadyAsync(DateTimeOffset.FromUnixTimeSeconds(PacificTime.EndOf(sealedDay)));
        var file = cli.NewFile(".csv");
        await ImportFiles.WriteAsync(file, $"""
            SELECT 'u' || i AS unit_id, 'user_id' AS id_type,
                   CASE WHEN i < 1500 THEN DATE '{sealedDay}' ELSE DATE '{FirstDay}' END AS date, 'cli_late' AS metric_name, 2.0 AS metric_value
            FROM range(4000) t(i)
            """);

        var result = await cli.RunAsync(project.IngestKey, "upload", file, "--chunk-size", "1000");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("2,500 applied", result.Stdout);
        Assert.Contains("1,500 rejected", result.Stdout);
        Assert.Matches($@"rejected: row 1 date: day\(s\) {sealedDay} already sealed", result.Stdout);
        using var check = cli.Client(project);
        Assert.Equal(2500, (await check.GetMetricDayAsync("cli_late", FirstDay)).Overall.RowCount);
    }

    [Fact]
    public async Task Off_a_terminal_the_progress_is_plain_lines_ending_at_every_row()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".parquet");
        await ImportFiles.WriteAsync(file, Rows(3000));

        var result = await cli.RunAsync(project.IngestKey, "upload", file, "--chunk-size", "1000");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain('\u001b', result.Stdout);
        var last = result.Stdout.Split('\n').Last(l => l.StartsWith("progress: ", StringComparison.Ordinal));
        Assert.Matches(@"^progress: 3,000/3,000 rows \(100\.0 %\), [\d,]+ rows/s, 0 s left; 3,000 applied, 0 already applied, 0 rejected", last);
    }

    [Fact]
    public async Task Unit_ids_that_look_like_numbers_stay_text_past_the_rows_a_csv_reader_samples()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".csv");
        // 30,000 IDs of digits, more than DuckDB samples to guess a column's type, then IDs no number keeps.
        await ImportFiles.WriteAsync(file, $"""
            SELECT CASE WHEN i < 30000 THEN CAST(i AS VARCHAR) ELSE ['0042', '1e5', 'u-x'][i - 29999] END AS unit_id,
                   'user_id' AS id_type, DATE '{FirstDay}' AS date, 'cli_ids' AS metric_name, 1.0 AS metric_value
            FROM range(30003) t(i)
            """);

        var result = await cli.RunAsync(project.IngestKey, "upload", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var client = cli.Client(project);
        await client.MarkDataReadyAsync(DateTimeOffset.FromUnixTimeSeconds(PacificTime.EndOf(FirstDay)));
        var units = new HashSet<string>();
        await foreach (var unit in client.ExportMetricDayAsync("cli_ids", FirstDay))
            units.Add(unit.UserId);
        Assert.Equal(30003, units.Count);
        Assert.Superset(new HashSet<string> { "0", "29999", "0042", "1e5", "u-x" }, units);
    }

    [Fact]
    public async Task A_file_unreadable_half_way_stops_the_upload_with_the_readers_message_and_the_report_so_far()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".csv");
        // A value that is no number, past the rows DuckDB samples to type the column.
        await ImportFiles.WriteAsync(file, $"""
            SELECT 'u' || i AS unit_id, 'user_id' AS id_type, DATE '{FirstDay}' AS date, 'cli_broken' AS metric_name,
                   CASE WHEN i = 40000 THEN 'twelve' ELSE CAST(i % 10 AS VARCHAR) END AS metric_value
            FROM range(40001) t(i)
            """);

        var result = await cli.RunAsync(project.IngestKey, "upload", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: the file could not be read: ", result.Stderr);
        Assert.Contains("twelve", result.Stderr);
        Assert.Contains("interrupted: ", result.Stdout);
        Assert.Contains("run the same command again to send the rest", result.Stdout);
    }

    [Fact]
    public async Task Dates_that_are_not_days_are_refused_without_a_call()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".csv");
        // Each row's date text of its own: a "day", and so a chunk and a call, of its own had they been sent.
        await ImportFiles.WriteAsync(file, """
            SELECT 'u' || i AS unit_id, 'user_id' AS id_type, 'day ' || i AS date, 'cli_not_days' AS metric_name, 1.0 AS metric_value
            FROM range(3000) t(i)
            """);

        var result = await cli.RunAsync(project.IngestKey, "upload", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("0 applied", result.Stdout);
        Assert.Contains("3,000 rejected", result.Stdout);
        Assert.Contains("rejected: row 1 date: date \"day 0\" is not a YYYY-MM-DD date", result.Stdout);
        using var admin = new HttpClient { BaseAddress = cli.Server.AdminAddress };
        Assert.Null((await Scrape.OfAsync(admin)).Value("metrics_requests_total", ("project", project.Name), ("rpc", "LogCustomMetric"), ("code", "InvalidArgument")));
    }

    [Fact]
    public async Task A_report_path_that_cannot_be_written_is_a_usage_error_before_anything_is_sent()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".csv");
        await ImportFiles.WriteAsync(file, Rows(2_000));
        var reportFile = Path.Combine(cli.Files.FullName, "no-such-directory", "report.json");

        var result = await cli.RunAsync(project.IngestKey, "upload", file, "--report", reportFile);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"error: --report {reportFile}: cannot be written: its directory does not exist", result.Stderr.Trim());
        using var client = cli.Client(project);
        var none = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.GetMetricDayAsync("cli_value", FirstDay));
        Assert.Equal(Grpc.Core.StatusCode.NotFound, none.StatusCode);
    }

    [Fact]
    public async Task A_file_that_is_not_in_the_import_schema_is_a_usage_error_naming_the_column()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".csv");
        await ImportFiles.WriteAsync(file, "SELECT 'u1' AS unit_id, 'user_id' AS id_type, DATE '2026-01-01' AS date, 1.0 AS metric_value");

        var result = await cli.RunAsync(project.IngestKey, "upload", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("no column metric_name", result.Stderr);
        Assert.Contains("the columns found: unit_id, id_type, date, metric_value", result.Stderr);
    }

    private async Task AssertAggregatesAsync(ProjectKeys project, string file)
    {
        var expected = await ImportFiles.AggregatesAsync(file);
        Assert.NotEmpty(expected);
        using var client = cli.Client(project);
        foreach (var ((metric, date), want) in expected)
        {
            var day = await client.GetMetricDayAsync(metric, date);
            var got = day.Overall;
            Assert.Equal((want.Units, want.Rows), (got.UnitCount, got.RowCount));
            Close(want.Sum, got.Sum);
            Close(want.NumeratorSum, got.NumeratorSum);
            Close(want.DenominatorSum, got.DenominatorSum);
            if (day.Kind == MetricKind.Value)
            {
                Close(want.Mean, got.Mean);
                Close(want.Variance, got.Variance);
            }
        }
    }

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    private static (long Done, long Applied)? Progress(string line) =>
        ProgressLine().Match(line) is { Success: true } m ? (Number(m.Groups["done"].Value), Number(m.Groups["applied"].Value)) : null;

    private static long Number(string text) => long.Parse(text.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^progress: (?<done>[\d,]+)/[\d,]+ rows .*; (?<applied>[\d,]+) applied")]
    private static partial Regex ProgressLine();

    [GeneratedRegex(@"^interrupted: [\d,]+ rows read, (?<applied>[\d,]+) applied", RegexOptions.Multiline)]
    private static partial Regex InterruptedLine();

    [GeneratedRegex(@"uploaded: [\d,]+ rows read, (?<applied>[\d,]+) applied, (?<already>[\d,]+) already applied \((?<dup>[\d,]+) of [\d,]+ chunks\)")]
    private static partial Regex UploadedLine();
}
