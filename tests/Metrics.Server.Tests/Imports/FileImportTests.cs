using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Parquet.Serialization;

namespace Metrics.Server.Tests.Imports;

/// <summary>
/// The same rows through the files source: CSV written by hand and Parquet written with Parquet.Net (not the
/// server's reader), under the source's Root, read back with the aggregates PostgreSQL computes from those rows.
/// </summary>
[Collection(ImportCollection.Name)]
public sealed class FileImportTests(ImportServer server)
{
    private static readonly string[] Days = ["2026-02-11", "2026-02-12"];
    private static readonly string[] Metrics = ["ctr", "revenue", "sessions"];

    [Fact]
    public async Task CsvAndParquetFilesReadBackWithTheAggregatesPostgreSqlComputes()
    {
        var rows = ImportRow.Sample(seed: 11, Days, units: 60);
        await using var database = server.OpenDatabase();
        var csvProject = server.NewProject();
        var table = await WarehouseTable.CreateAsync(database, $"files_{csvProject.Name}", rows);
        var figures = await table.FiguresAsync();
        var folder = Directory.CreateDirectory(Path.Combine(server.Files.FullName, csvProject.Name));
        // The CSV is cut in two files, found by one glob; the Parquet file holds all rows.
        await WriteCsvAsync(Path.Combine(folder.FullName, "part-1.csv"), rows.Where(r => r.Date == Days[0]));
        await WriteCsvAsync(Path.Combine(folder.FullName, "part-2.csv"), rows.Where(r => r.Date == Days[1]));
        await WriteParquetAsync(Path.Combine(folder.FullName, "all.parquet"), rows);
        var parquetProject = server.NewProject();

        foreach (var (project, query) in new[] { (csvProject, $"{csvProject.Name}/part-*.csv"), (parquetProject, $"{csvProject.Name}/all.parquet") })
        {
            var key = project.SecretHeaders;
            await server.Imports.CreateAsync(key, "files", "files", query);
            var run = await server.Imports.RunToEndAsync(key, "files", Days[0], Days[^1]);
            Assert.True(run.Status == ImportRunStatus.Succeeded, $"{query}: {run.Message}");
            Assert.Equal((rows.Count, rows.Count), (run.RowsRead, run.RowsApplied));
            foreach (var day in Days)
                foreach (var metric in Metrics)
                {
                    var read = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = day }, key);
                    Figuring.AssertMatches(figures[(metric, day)], read.Overall, $"{query}: {metric} on {day}");
                }
        }
    }

    [Theory]
    [InlineData("../outside.csv")]
    [InlineData("/etc/passwd")]
    [InlineData("nothing-matches-*.parquet")]
    public async Task APathOutsideTheRootOrMatchingNoFileFailsTheRunAndAppliesNothing(string query)
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        // A file that exists beside the Root: refused for where it is, not for being absent.
        var outside = Path.Combine(server.Files.Parent!.FullName, "outside.csv");
        await File.WriteAllTextAsync(outside, "unit_id,id_type,date,metric_name,metric_value\nu1,user_id,2026-02-11,leak,1\n");
        await server.Imports.CreateAsync(key, "confined", "files", query);

        ImportRun run;
        try
        {
            run = await server.Imports.RunToEndAsync(key, "confined", Days[0], Days[0]);
        }
        finally
        {
            File.Delete(outside);
        }

        Assert.Equal(ImportRunStatus.Failed, run.Status);
        Assert.Contains(query, run.Message);
        Assert.Equal(0, run.RowsApplied);
        Assert.Empty((await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), key)).Metrics);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("directory")]
    public async Task ASymbolicLinkLeadingOutOfTheRootIsRefusedAndAppliesNothing(string linked)
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        var outside = Directory.CreateTempSubdirectory("metrics-import-outside-");
        var link = Path.Combine(server.Files.FullName, $"link-{project.Name}");
        try
        {
            var secret = Path.Combine(outside.FullName, "leak.csv");
            await File.WriteAllTextAsync(secret, $"unit_id,id_type,date,metric_name,metric_value\nu1,user_id,{Days[0]},leak,1\n");
            string query;
            if (linked == "file")
            {
                File.CreateSymbolicLink(link + ".csv", secret);
                query = $"link-{project.Name}.csv";
            }
            else
            {
                Directory.CreateSymbolicLink(link, outside.FullName);
                query = $"link-{project.Name}/*.csv";
            }
            await server.Imports.CreateAsync(key, "linked", "files", query);

            var run = await server.Imports.RunToEndAsync(key, "linked", Days[0], Days[0]);

            Assert.Equal(ImportRunStatus.Failed, run.Status);
            Assert.Contains("symbolic link", run.Message);
            Assert.Equal(0, run.RowsApplied);
            Assert.Empty((await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), key)).Metrics);
        }
        finally
        {
            File.Delete(link + ".csv");
            if (Directory.Exists(link))
                Directory.Delete(link);
            outside.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ADayWithARejectedNaNRowInAFileIsStillReloadedWhenItsRowsChange()
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        var folder = Directory.CreateDirectory(Path.Combine(server.Files.FullName, project.Name));
        var file = Path.Combine(folder.FullName, "day.csv");
        await WriteRevenueCsvAsync(file, ("u1", 10), ("u2", double.NaN));
        await server.Imports.CreateAsync(key, "nan", "files", $"{project.Name}/day.csv", i => i.MaxRejectedRows = 1);
        var first = await server.Imports.RunToEndAsync(key, "nan", Days[0], Days[0]);
        Assert.True(first.Status == ImportRunStatus.Succeeded, first.Message);
        Assert.Equal((1, 1L), (first.DaysLoaded, first.RowsRejected));

        await WriteRevenueCsvAsync(file, ("u1", 20), ("u2", double.NaN));
        var second = await server.Imports.RunToEndAsync(key, "nan", Days[0], Days[0]);

        Assert.True(second.Status == ImportRunStatus.Succeeded, second.Message);
        Assert.Equal((1, 0), (second.DaysLoaded, second.DaysUnchanged));
        Assert.Equal(20, (await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Days[0] }, key)).Overall.Sum);
    }

    [Fact]
    public async Task ALinkThroughALinkedDirectoryLeadingOutOfTheRootIsRefusedWhileLinksInsideItAreFollowed()
    {
        var outside = Directory.CreateTempSubdirectory("metrics-import-outside-");
        var escaping = server.NewProject();
        var inside = server.NewProject();
        var folder = Directory.CreateDirectory(Path.Combine(server.Files.FullName, inside.Name));
        try
        {
            await File.WriteAllTextAsync(Path.Combine(outside.FullName, "secret.csv"), $"unit_id,id_type,date,metric_name,metric_value\nu1,user_id,{Days[0]},leak,1\n");
            // Root/<p>/d2 -> the outside directory; Root/<p>/f.csv -> d2/secret.csv: f.csv's own target names a path under the Root.
            var escapingFolder = Directory.CreateDirectory(Path.Combine(server.Files.FullName, escaping.Name));
            Directory.CreateSymbolicLink(Path.Combine(escapingFolder.FullName, "d2"), outside.FullName);
            File.CreateSymbolicLink(Path.Combine(escapingFolder.FullName, "f.csv"), "d2/secret.csv");
            // Root/<p>/latest.csv -> data/day.csv, and Root/<p>/alias -> data: both stay inside the Root.
            var data = Directory.CreateDirectory(Path.Combine(folder.FullName, "data"));
            await WriteRevenueCsvAsync(Path.Combine(data.FullName, "day.csv"), ("u1", 3));
            File.CreateSymbolicLink(Path.Combine(folder.FullName, "latest.csv"), "data/day.csv");
            Directory.CreateSymbolicLink(Path.Combine(folder.FullName, "alias"), "data");
            await server.Imports.CreateAsync(escaping.SecretHeaders, "linked", "files", $"{escaping.Name}/f.csv");
            await server.Imports.CreateAsync(inside.SecretHeaders, "latest", "files", $"{inside.Name}/latest.csv");
            await server.Imports.CreateAsync(inside.SecretHeaders, "alias", "files", $"{inside.Name}/alias/*.csv");

            var refused = await server.Imports.RunToEndAsync(escaping.SecretHeaders, "linked", Days[0], Days[0]);
            var latest = await server.Imports.RunToEndAsync(inside.SecretHeaders, "latest", Days[0], Days[0]);

            Assert.Equal(ImportRunStatus.Failed, refused.Status);
            Assert.Contains("symbolic link", refused.Message);
            Assert.Contains($"{escaping.Name}/f.csv", refused.Message);
            Assert.Empty((await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), escaping.SecretHeaders)).Metrics);
            Assert.True(latest.Status == ImportRunStatus.Succeeded, latest.Message);
            Assert.Equal(1, latest.RowsApplied);
            await server.Imports.DeleteImportAsync(new DeleteImportRequest { ImportId = "latest" }, inside.SecretHeaders);
            await WriteRevenueCsvAsync(Path.Combine(data.FullName, "day.csv"), ("u1", 4));
            var alias = await server.Imports.RunToEndAsync(inside.SecretHeaders, "alias", Days[0], Days[0]);
            Assert.True(alias.Status == ImportRunStatus.Succeeded, alias.Message);
            Assert.Equal(4, (await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Days[0] }, inside.SecretHeaders)).Overall.Sum);
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AFileWhosePathDuckDbWouldExpandAsAGlobIsRefused()
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        var outside = Directory.CreateTempSubdirectory("metrics-import-outside-");
        var folder = Directory.CreateDirectory(Path.Combine(server.Files.FullName, project.Name));
        try
        {
            // "[l]ink" is a directory inside the Root; as a glob it matches "link", which leads out of it.
            await File.WriteAllTextAsync(Path.Combine(outside.FullName, "day.csv"), $"unit_id,id_type,date,metric_name,metric_value\nu1,user_id,{Days[0]},leak,1\n");
            Directory.CreateSymbolicLink(Path.Combine(folder.FullName, "link"), outside.FullName);
            var bracketed = Directory.CreateDirectory(Path.Combine(folder.FullName, "[l]ink"));
            await WriteRevenueCsvAsync(Path.Combine(bracketed.FullName, "day.csv"), ("u1", 3));
            await server.Imports.CreateAsync(key, "bracketed", "files", $"{project.Name}/[l]ink/day.csv");

            var run = await server.Imports.RunToEndAsync(key, "bracketed", Days[0], Days[0]);

            Assert.Equal(ImportRunStatus.Failed, run.Status);
            Assert.Contains("[l]ink/day.csv", run.Message);
            Assert.Empty((await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), key)).Metrics);
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AnUnreadableFileIsNamedByItsPathUnderTheRootNotTheServers()
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        var folder = Directory.CreateDirectory(Path.Combine(server.Files.FullName, project.Name));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "broken.parquet"), "not a parquet file");
        await server.Imports.CreateAsync(key, "broken", "files", $"{project.Name}/broken.parquet");

        var run = await server.Imports.RunToEndAsync(key, "broken", Days[0], Days[0]);

        Assert.Equal(ImportRunStatus.Failed, run.Status);
        Assert.Contains($"{project.Name}/broken.parquet", run.Message);
        Assert.DoesNotContain(server.Files.FullName, run.Message);
        Assert.DoesNotContain(Path.GetFileName(server.Files.FullName), run.Message);
    }

    private static async Task WriteCsvAsync(string path, IEnumerable<ImportRow> rows)
    {
        var csv = new StringBuilder("unit_id,id_type,date,metric_name,metric_value,numerator,denominator\n");
        foreach (var r in rows)
            csv.Append(CultureInfo.InvariantCulture, $"{r.UnitId},{r.IdType},{r.Date},{r.MetricName},{r.MetricValue:R},{r.Numerator:R},{r.Denominator:R}\n");
        await File.WriteAllTextAsync(path, csv.ToString());
    }

    /// <summary>A CSV of revenue rows on the first day, with no ratio columns.</summary>
    private static Task WriteRevenueCsvAsync(string path, params (string Unit, double Value)[] rows) =>
        File.WriteAllTextAsync(path, "unit_id,id_type,date,metric_name,metric_value\n"
            + string.Concat(rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Unit},user_id,{Days[0]},revenue,{r.Value:R}\n"))));

    private static async Task WriteParquetAsync(string path, IEnumerable<ImportRow> rows)
    {
        await using var file = File.Create(path);
        await ParquetSerializer.SerializeAsync(rows.Select(r => new ParquetRow
        {
            UnitId = r.UnitId, IdType = r.IdType, Date = DateOnly.Parse(r.Date, CultureInfo.InvariantCulture), MetricName = r.MetricName,
            MetricValue = r.MetricValue, Numerator = r.Numerator, Denominator = r.Denominator,
        }), file);
    }

    private sealed class ParquetRow
    {
        [JsonPropertyName("unit_id")] public string UnitId { get; set; } = "";
        [JsonPropertyName("id_type")] public string IdType { get; set; } = "";
        [JsonPropertyName("date")] public DateOnly Date { get; set; }
        [JsonPropertyName("metric_name")] public string MetricName { get; set; } = "";
        [JsonPropertyName("metric_value")] public double? MetricValue { get; set; }
        [JsonPropertyName("numerator")] public double? Numerator { get; set; }
        [JsonPropertyName("denominator")] public double? Denominator { get; set; }
    }
}
