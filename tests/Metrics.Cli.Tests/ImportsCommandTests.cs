using Metrics.Contracts.V1;

namespace Metrics.Cli.Tests;

/// <summary><c>metrics imports list|run|watch</c> on a files source.</summary>
[Collection(CliCollection.Name)]
public sealed class ImportsCommandTests(CliServer cli)
{
    private static readonly string Day = PacificTime.DaysAgo(6);

    [Fact]
    public async Task Run_with_watch_follows_the_run_to_its_end_and_list_shows_it()
    {
        var project = cli.NewProject();
        var file = cli.NewFile(".parquet");
        await ImportFiles.WriteAsync(file, $"SELECT 'u' || i AS unit_id, 'user_id' AS id_type, DATE '{Day}' AS date, 'cli_imported' AS metric_name, 1.5 AS metric_value FROM range(1200) t(i)");
        using var client = cli.Client(project);
        await client.Imports.CreateImportAsync(new CreateImportRequest { Import = new Import { ImportId = "nightly", Source = "files", Query = Path.GetFileName(file) } });

        var run = await cli.RunAsync(project.ServerSecret, "imports", "run", "nightly", "--from", Day, "--to", Day, "--watch");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches($@"run \S+: SUCCEEDED, {Day}\.\.{Day}, 1,200 rows read, 1,200 applied, 0 rejected; 1 days loaded", run.Stdout);
        Assert.Equal(1200, (await client.GetMetricDayAsync("cli_imported", Day)).Overall.RowCount);
        var list = await cli.RunAsync(project.ServerSecret, "imports", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("nightly", list.Stdout);
        Assert.Contains("SUCCEEDED", list.Stdout);
    }

    [Fact]
    public async Task A_failed_run_exits_1_with_its_message()
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        await client.Imports.CreateImportAsync(new CreateImportRequest { Import = new Import { ImportId = "missing", Source = "files", Query = "no-such-file.parquet" } });

        var run = await cli.RunAsync(project.ServerSecret, "imports", "run", "missing", "--from", Day, "--to", Day, "--watch");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("FAILED", run.Stdout);
        Assert.Contains("no-such-file.parquet", run.Stdout);
    }

    [Fact]
    public async Task Running_an_unknown_import_is_refused()
    {
        var project = cli.NewProject();

        var run = await cli.RunAsync(project.ServerSecret, "imports", "run", "nothing");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", run.Stderr);
    }
}
