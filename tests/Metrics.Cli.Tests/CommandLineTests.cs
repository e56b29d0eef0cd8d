namespace Metrics.Cli.Tests;

/// <summary>SPEC §8's exit codes — 0 success, 1 a refused request with its status and message, 2 a usage error — and <c>--help</c> everywhere.</summary>
[Collection(CliCollection.Name)]
public sealed class CommandLineTests(CliServer cli)
{
    public static TheoryData<string> Commands => ["", "upload", "ready", "tail", "day", "export", "imports", "imports list", "imports run", "imports watch"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help(string command)
    {
        var result = await CliProcess.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout);
        Assert.Contains($"metrics {command}".Trim(), result.Stdout);
        Assert.Contains("--url", result.Stdout);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_exit_code_1_and_the_status()
    {
        var result = await cli.RunAsync("not-a-key", "day", "revenue", "2026-01-01");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: UNAUTHENTICATED: unknown statsig-api-key", result.Stderr.Trim());
    }

    [Fact]
    public async Task An_upload_with_a_wrong_key_stops_at_once_with_the_status()
    {
        var file = cli.NewFile(".csv");
        await ImportFiles.WriteAsync(file, $"SELECT 'u' || i AS unit_id, 'user_id' AS id_type, DATE '{PacificTime.DaysAgo(3)}' AS date, 'm' AS metric_name, 1.0 AS metric_value FROM range(3000) t(i)");

        var result = await cli.RunAsync("not-a-key", "upload", file, "--chunk-size", "1000");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: UNAUTHENTICATED: unknown statsig-api-key", result.Stderr.Trim());
        Assert.Contains("interrupted: ", result.Stdout);
        Assert.Contains(" 0 applied", result.Stdout);
    }

    [Fact]
    public async Task An_ingest_key_cannot_mark_data_ready()
    {
        var project = cli.NewProject();

        var result = await cli.RunAsync(project.IngestKey, "ready", "--through", PacificTime.DaysAgo(3));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: PERMISSION_DENIED: ", result.Stderr);
    }

    [Theory]
    [InlineData("day", "revenue", "2026-13-01")]
    [InlineData("day", "revenue")]
    [InlineData("ready")]
    [InlineData("ready", "--through", "2026-01-01", "--timestamp", "1767254400")]
    [InlineData("ready", "--timestamp", "yesterday")]
    [InlineData("upload", "rows.csv", "--chunk-size", "20")]
    [InlineData("export", "revenue", "2026-01-01", "-o", "units.json")]
    [InlineData("tail", "--backlog", "5000")]
    [InlineData("frobnicate")]
    public async Task A_bad_argument_is_a_usage_error_with_exit_code_2(params string[] args)
    {
        var project = cli.NewProject();

        var result = await cli.RunAsync(project.ServerSecret, args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.NotEmpty(result.Stderr.Trim());
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error_naming_it()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".csv");

        var result = await cli.RunAsync(project.IngestKey, "upload", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {file}: no such file", result.Stderr.Trim());
    }

    [Fact]
    public async Task The_key_and_the_url_come_from_the_environment_when_not_given()
    {
        var project = cli.NewProject();

        var result = await CliProcess.RunAsync(["ready", "--through", PacificTime.DaysAgo(3)], new Dictionary<string, string?>
        {
            ["METRICS_URL"] = cli.Server.GrpcAddress.ToString(),
            ["METRICS_API_KEY"] = project.ServerSecret,
        });

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task No_key_at_all_is_a_usage_error()
    {
        var result = await CliProcess.RunAsync(["day", "revenue", "2026-01-01", "--url", cli.Server.GrpcAddress.ToString()]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no key: give --key or set METRICS_API_KEY", result.Stderr);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_with_exit_code_1()
    {
        var result = await CliProcess.RunAsync(["day", "revenue", "2026-01-01", "--url", $"http://127.0.0.1:{LoopbackPort.Free()}", "--key", "k"]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: UNAVAILABLE: ", result.Stderr);
    }
}
