using System.Diagnostics;
using System.Text.RegularExpressions;
using Metrics.Contracts.V1;

namespace Metrics.Cli.Tests;

/// <summary>
/// On a terminal — a pseudo-terminal, made by util-linux's <c>script</c> — the CLI draws with Spectre.Console: the
/// upload's progress bar and the Logstream's live table, in colour.
/// </summary>
[Collection(CliCollection.Name)]
public sealed partial class TerminalTests(CliServer cli)
{
    private static readonly string Day = PacificTime.DaysAgo(3);

    [Fact]
    public async Task An_upload_on_a_terminal_draws_a_progress_bar_to_every_row_and_a_table_of_rejected_rows()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".csv");
        await ImportFiles.WriteAsync(file, $"""
            SELECT 'u' || i AS unit_id, CASE WHEN i = 10 THEN 'userID' ELSE 'user_id' END AS id_type, DATE '{Day}' AS date,
                   'cli_pty' AS metric_name, 1.0 AS metric_value
            FROM range(3000) t(i)
            """);

        var (exitCode, screen) = await OnTerminalAsync(["upload", file, "--chunk-size", "1000", .. cli.Connect(project.IngestKey)]);

        Assert.True(exitCode == 1, screen);
        Assert.Contains("\u001b[", screen);
        var text = Plain(screen);
        Assert.Matches(@"3,000/3,000 rows · [\d,]+ rows/s · 1 rejected ━+ 100%", text);
        Assert.Contains("uploaded: 3,000 rows read, 2,999 applied", text);
        Assert.Matches(@"│ 11 +│ id_type │ id_type ""userID"" is not defined", text);
    }

    [Fact]
    public async Task Tail_on_a_terminal_is_a_live_table_with_the_id_type_in_colour_and_rejected_and_test_records_marked()
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        await client.LogAsync([Record("u1", "user_id")]);
        await client.LogAsync([Record("u2", "stable_id")], isTest: true);
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.LogAsync([Record("u3", "userID")]));
        // What a sender wrote is shown as written, never read as Spectre markup.
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.LogAsync([new MetricRecord(Record("u4", "user_id")) { Date = "[bold]" }]));

        var (exitCode, screen) = await OnTerminalAsync(["tail", "--backlog", "10", "--count", "4", "--include-test", "--include-rejected", .. cli.Connect(project.ServerSecret)]);

        Assert.True(exitCode == 0, screen);
        // Each ID type in a colour of its own.
        var colours = IdTypeColours().Matches(screen).Select(m => (m.Groups["type"].Value, m.Groups["colour"].Value)).Distinct().ToList();
        Assert.Equal(3, colours.Count);
        Assert.Equal(3, colours.Select(c => c.Item2).Distinct().Count());
        var text = Plain(screen);
        Assert.Matches(@"│ cli_pty +│ u2 +│ stable_id │ value=1 +│ \S+ +│ accepted \(test\)", text);
        Assert.Matches(@"│ cli_pty +│ u3 +│ userID +│ value=1 +│ \S+ +│ rejected: ", text);
        Assert.Matches(@"│ cli_pty +│ u4 +│ user_id +│ value=1 +│ \[bold\] +│ rejected: ", text);
        Assert.Contains("4 entries · Ctrl+C to stop", text);
    }

    /// <summary>Runs <c>metrics</c> on a pseudo-terminal 160 columns wide; its exit code and everything the terminal received.</summary>
    private static async Task<(int ExitCode, string Screen)> OnTerminalAsync(string[] args)
    {
        var command = string.Join(' ', new[] { "dotnet", RepositoryLayout.BuildOutput(Path.Combine("tools", "Metrics.Cli"), "metrics.dll") }.Concat(args).Select(Quote));
        var info = new ProcessStartInfo("script", ["--quiet", "--return", "--command", $"stty cols 160 rows 50; exec {command}", "/dev/null"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(info)!;
        ChildProcesses.Register(process);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        ChildProcesses.Forget(process);
        return (process.ExitCode, await output + await errors);
    }

    private static string Quote(string arg) => $"'{arg.Replace("'", "'\\''")}'";

    /// <summary>The screen's text without its escape sequences, one line per carriage return or line feed.</summary>
    private static string Plain(string screen) => Escapes().Replace(screen, "").Replace('\r', '\n');

    private static MetricRecord Record(string unit, string idType) =>
        new() { UserId = unit, IdType = idType, MetricName = "cli_pty", MetricValue = 1, Date = Day };

    [GeneratedRegex(@"\u001b\[38;5;(?<colour>\d+)m(?<type>user_id|stable_id|userID)\u001b\[0m")]
    private static partial Regex IdTypeColours();

    [GeneratedRegex(@"\u001b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Escapes();
}
