using System.Globalization;
using System.Text.Json;
using Metrics.Contracts.V1;

namespace Metrics.Cli.Tests;

/// <summary><c>metrics ready</c>, <c>day</c> and <c>export</c>: a day sealed from the command line, read back, exported to files equal to <c>ExportMetricDay</c>.</summary>
[Collection(CliCollection.Name)]
public sealed class ReadAndExportTests(CliServer cli)
{
    private static readonly string Day = PacificTime.DaysAgo(4);

    [Fact]
    public async Task Ready_through_a_day_seals_it_and_day_shows_it_finalized_as_a_table_and_as_json()
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        await client.LogAsync([Record("u1", 2), Record("u1", 3), Record("u2", 10)]);

        var ready = await cli.RunAsync(project.ServerSecret, "ready", "--through", Day);

        Assert.True(ready.ExitCode == 0, ready.ToString());
        Assert.Contains($"watermark {PacificTime.EndOf(Day)} ", ready.Stdout);
        Assert.Contains($"sealed: {Day}", ready.Stdout);

        var table = await cli.RunAsync(project.ServerSecret, "day", "cli_day", Day);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"cli_day on {Day}: FINALIZED, VALUE", table.Stdout);
        // The overall row: 2 units, 3 rows, sum 15, mean 7.5, variance of (5, 10) = 12.5.
        Assert.Matches(@"\(all\)\s*│\s*2\s*│\s*3\s*│\s*15\s*│\s*7\.5\s*│\s*12\.5", table.Stdout);

        var json = await cli.RunAsync(project.ServerSecret, "day", "cli_day", Day, "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var expected = await client.GetMetricDayAsync("cli_day", Day);
        Assert.Equal(expected, MetricDay.Parser.WithDiscardUnknownFields(false).ParseJson(json.Stdout));
    }

    [Fact]
    public async Task Ready_at_a_timestamp_moves_the_watermark_there()
    {
        var project = cli.NewProject();
        var at = DateTimeOffset.FromUnixTimeSeconds(PacificTime.StartOf(Day) + 3600);

        var result = await cli.RunAsync(project.ServerSecret, "ready", "--timestamp", at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(at.ToUnixTimeSeconds(), long.Parse(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("watermark").GetString()!, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(".csv")]
    [InlineData(".parquet")]
    public async Task An_exported_file_read_back_equals_ExportMetricDay(string extension)
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        // Values that need every digit to round-trip, ratios, two ID types, a unit seen twice.
        await client.LogAsync(Enumerable.Range(0, 500).Select(i => Record($"u{i % 300}", 1.0 / (i + 3), i % 4 == 0 ? "stable_id" : "user_id")));
        await client.LogAsync([new MetricRecord { UserId = "r1", IdType = "user_id", MetricName = "cli_day", Numerator = 0.1, Denominator = 0.7, Date = Day }]);
        await client.MarkDataReadyAsync(DateTimeOffset.FromUnixTimeSeconds(PacificTime.EndOf(Day)));
        var file = cli.NewFile(extension);

        var result = await cli.RunAsync(project.ServerSecret, "export", "cli_day", Day, "-o", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        var exported = new List<string[]>();
        await foreach (var unit in client.ExportMetricDayAsync("cli_day", Day))
            exported.Add([unit.UserId, unit.IdType, Text(unit.Value), Text(unit.Numerator), Text(unit.Denominator), unit.RowCount.ToString(CultureInfo.InvariantCulture)]);
        Assert.Equal(301, exported.Count);
        Assert.Contains($"exported 301 units to {file}", result.Stdout);
        var reader = extension == ".csv" ? $"read_csv('{file}', header = true, columns = {{'user_id': 'VARCHAR', 'id_type': 'VARCHAR', 'value': 'DOUBLE', 'numerator': 'DOUBLE', 'denominator': 'DOUBLE', 'row_count': 'BIGINT'}})" : $"read_parquet('{file}')";
        Assert.Equal(exported, await ImportFiles.QueryAsync($"SELECT user_id, id_type, value, numerator, denominator, row_count FROM {reader}"));
    }

    [Fact]
    public async Task Export_of_an_open_day_is_refused_with_the_servers_status_and_leaves_no_file()
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        await client.LogAsync([Record("u1", 1)]);
        var file = cli.NewFile(".csv");

        var result = await cli.RunAsync(project.ServerSecret, "export", "cli_day", Day, "-o", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("error: FAILED_PRECONDITION: ", result.Stderr);
        Assert.False(File.Exists(file));
        Assert.Empty(Directory.GetFiles(cli.Files.FullName, $".{Path.GetFileName(file)}*"));
    }

    [Fact]
    public async Task An_export_to_a_directory_that_does_not_exist_is_a_usage_error_naming_the_option()
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        await client.LogAsync([Record("u1", 1)]);
        await client.MarkDataReadyAsync(DateTimeOffset.FromUnixTimeSeconds(PacificTime.EndOf(Day)));
        var file = Path.Combine(cli.Files.FullName, "no-such-directory", "day.csv");

        var result = await cli.RunAsync(project.ServerSecret, "export", "cli_day", Day, "-o", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"error: --output {file}: cannot be written: its directory does not exist", result.Stderr.Trim());
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static MetricRecord Record(string unit, double value, string idType = "user_id") =>
        new() { UserId = unit, IdType = idType, MetricName = "cli_day", MetricValue = value, Date = Day };
}
