using System.Globalization;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Imports;
using static Metrics.Console.Tests.Recording;

namespace Metrics.Console.Tests;

/// <summary>
/// SPEC §6 Metric Detail View: each day's status and figures as GetMetricDay gives them, the charts, the breakdown
/// by ID type, and a sealed day's per-unit CSV equal to ExportMetricDay.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class DetailViewTests(ConsoleServer server)
{
    private static readonly string[] Days = ["2026-03-10", "2026-03-11", "2026-03-13"];

    [Fact]
    public async Task EachDayShowsTheFiguresAndStatusOfGetMetricDay()
    {
        var project = server.NewProject();
        await server.IngestAsync(project,
            Value("u1", "session_minutes", 12.5, Days[0]), Value("u2", "session_minutes", 3, Days[0]), Value("u3", "session_minutes", 0.1, Days[0]),
            Value("u1", "session_minutes", 7, Days[1]), Value("s1", "session_minutes", 1e-3, Days[1], "stable_id"),
            Value("u4", "session_minutes", 1e12, Days[2]), Value("u5", "session_minutes", 2, Days[2]));
        await server.IngestAsync(project, isTest: true, Value("t1", "session_minutes", 999, Days[2]));
        await server.SealThroughAsync(project, Days[1]);
        var problems = new List<string>();
        var page = await server.NewPageAsync(problems);

        await page.SignInAsync(project.ServerSecret, "/metrics/session_minutes");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "session_minutes", Exact = true })).ToBeVisibleAsync();
        var rows = page.Locator("table.days tbody tr");
        await Expect(rows).ToHaveCountAsync(Days.Length);
        foreach (var date in Days)
        {
            var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "session_minutes", Date = date }, project.SecretHeaders);
            var row = page.Locator($"table.days tbody tr[data-date='{date}']");
            await Expect(row.Locator(".status")).ToHaveTextAsync(day.Status == DayStatus.Finalized ? "FINALIZED" : "OPEN");
            await Expect(row.Locator(".units")).ToHaveTextAsync(day.Overall.UnitCount.ToString("N0", CultureInfo.InvariantCulture));
            Assert.Equal(day.Overall.Sum, double.Parse((await row.Locator(".sum").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture));
            Assert.Equal(day.Overall.Mean, double.Parse((await row.Locator(".headline").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture));
        }
        await Expect(page.Locator("figure.chart canvas")).ToHaveCountAsync(2);
        await Expect(page.Locator("figure.chart")).ToContainTextAsync(["Mean per unit", "Sum and units"]);

        await page.GetByLabel("Day", new() { Exact = true }).SelectOptionAsync(Days[1]);
        await Expect(page.Locator("#by-id-type tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#by-id-type tbody")).ToContainTextAsync("stable_id");
        await Expect(page.Locator("table.days tbody tr[data-date='2026-03-13']")).ToContainTextAsync("when sealed");
        ConsolePage.AssertNoProblems(problems);
    }

    [Fact]
    public async Task ARatioMetricShowsItsRatio()
    {
        var project = server.NewProject();
        await server.IngestAsync(project, Ratio("u1", "conversion", 3, 10, Days[0]), Ratio("u2", "conversion", 1, 5, Days[0]));
        var problems = new List<string>();
        var page = await server.NewPageAsync(problems);

        await page.SignInAsync(project.ServerSecret, "/metrics/conversion");

        var headline = page.Locator($"table.days tbody tr[data-date='{Days[0]}'] .headline");
        await Expect(headline).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^0\\.26"));
        Assert.Equal(4.0 / 15.0, double.Parse((await headline.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture), 12);
        await Expect(page.Locator("figure.chart").First).ToContainTextAsync("Ratio");
        ConsolePage.AssertNoProblems(problems);
    }

    [Fact]
    public async Task TheCsvOfASealedDayEqualsExportMetricDay()
    {
        var project = server.NewProject();
        var records = Enumerable.Range(0, 250).Select(i => Value($"unit,{i}\"q", "basket_value", i * 0.37 + 1e-9, Days[0], i % 3 == 0 ? "stable_id" : "user_id")).ToArray();
        await server.IngestAsync(project, records);
        await server.IngestAsync(project, Value("u1", "basket_value", 1, Days[0])); // a second row of one unit
        await server.SealThroughAsync(project, Days[0]);
        var problems = new List<string>();
        var page = await server.NewPageAsync(problems);
        await page.SignInAsync(project.ServerSecret, "/metrics/basket_value");

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = $"Download {Days[0]} CSV" }).ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);

        var expected = new List<UnitValue>();
        using var export = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = "basket_value", Date = Days[0] }, project.SecretHeaders);
        await foreach (var unit in export.ResponseStream.ReadAllAsync())
            expected.Add(unit);
        var lines = Csv.Parse(csv);
        Assert.Equal(["user_id", "id_type", "value", "numerator", "denominator", "row_count"], lines[0]);
        Assert.Equal(expected.Count, lines.Count - 1);
        for (var i = 0; i < expected.Count; i++)
        {
            var (line, unit) = (lines[i + 1], expected[i]);
            Assert.Equal((unit.UserId, unit.IdType), (line[0], line[1]));
            Assert.Equal(unit.Value, double.Parse(line[2], CultureInfo.InvariantCulture));
            Assert.Equal(unit.Numerator, double.Parse(line[3], CultureInfo.InvariantCulture));
            Assert.Equal(unit.Denominator, double.Parse(line[4], CultureInfo.InvariantCulture));
            Assert.Equal(unit.RowCount, long.Parse(line[5], CultureInfo.InvariantCulture));
        }
        ConsolePage.AssertNoProblems(problems);
    }

    [Fact]
    public async Task HealthWarningsShowInTheDetailViewAndTheCatalogInWords()
    {
        var project = server.NewProject();
        var many = Enumerable.Range(0, 100).Select(u => Value($"u{u}", "daily_active", 1, Days[0]));
        var few = Enumerable.Range(0, 20).Select(u => Value($"u{u}", "daily_active", 1, Days[1]));
        await server.IngestAsync(project, [.. many, .. few]);
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "daily_active", Date = Days[1] }, project.SecretHeaders);
        Assert.Equal([HealthCheckKind.UnitsSwing, HealthCheckKind.SumSwing], day.Health.Select(h => h.Check));
        var problems = new List<string>();
        var page = await server.NewPageAsync(problems);

        await page.SignInAsync(project.ServerSecret);
        await Expect(page.Locator("table.catalog tbody tr .latest-health")).ToHaveTextAsync("⚠ units swing, sum swing");

        await page.GetByRole(AriaRole.Link, new() { Name = "daily_active" }).ClickAsync();
        var warnings = page.Locator($"table.days tbody tr[data-date='{Days[1]}'] .health li");
        await Expect(warnings).ToHaveTextAsync(day.Health.Select(h => $"⚠ {(h.Check == HealthCheckKind.UnitsSwing ? "units swing" : "sum swing")}: {h.Message}").ToArray());
        await Expect(page.Locator($"table.days tbody tr[data-date='{Days[0]}'] .health")).ToHaveTextAsync("OK");
        await Expect(page.Locator("#health-summary")).ToContainTextAsync("1 of 2 days have warnings");
        ConsolePage.AssertNoProblems(problems);
    }

    [Fact]
    public async Task ARestatedDayIsMarkedWithItsVersionAndShowsItsNewFigures()
    {
        var project = server.NewProject();
        var file = Path.Combine(server.Files.FullName, $"{project.Name}-restated.csv");
        static string Rows(double value) =>
            "unit_id,id_type,date,metric_name,metric_value\n" + string.Concat(Enumerable.Range(0, 20).Select(u => $"u{u},user_id,2026-03-20,restated_metric,{value}\n"))
            + string.Concat(Enumerable.Range(0, 20).Select(u => $"u{u},user_id,2026-03-21,restated_metric,1\n"));
        await File.WriteAllTextAsync(file, Rows(1));
        await server.Imports.CreateAsync(project.SecretHeaders, "restating", "files", Path.GetFileName(file));
        Assert.Equal(ImportRunStatus.Succeeded, (await server.Imports.RunToEndAsync(project.SecretHeaders, "restating", "2026-03-20", "2026-03-21")).Status);
        await server.SealThroughAsync(project, "2026-03-21");
        await File.WriteAllTextAsync(file, Rows(2));
        var rerun = await server.Imports.RunToEndAsync(project.SecretHeaders, "restating", "2026-03-20", "2026-03-21");
        Assert.Equal((ImportRunStatus.Succeeded, 1), (rerun.Status, rerun.DaysRestated));
        var problems = new List<string>();
        var page = await server.NewPageAsync(problems);

        await page.SignInAsync(project.ServerSecret, "/metrics/restated_metric");

        await Expect(page.Locator("table.days tbody tr[data-date='2026-03-20'] .status")).ToHaveTextAsync("FINALIZED · restated v2");
        await Expect(page.Locator("table.days tbody tr[data-date='2026-03-21'] .status")).ToHaveTextAsync("FINALIZED");
        Assert.Equal(40.0, double.Parse((await page.Locator("table.days tbody tr[data-date='2026-03-20'] .sum").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture));
        ConsolePage.AssertNoProblems(problems);
    }
}
