using Metrics.Contracts.V1;
using Metrics.Server.Tests.Imports;
using static Metrics.Console.Tests.Recording;

namespace Metrics.Console.Tests;

/// <summary>SPEC §6 Readiness page (watermark, last sealed day, open days, seal events live) and Imports page (imports, runs, errors).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReadinessAndImportsTests(ConsoleServer server)
{
    [Fact]
    public async Task TheReadinessPageShowsTheWatermarkAndASealAsItHappens()
    {
        var project = server.NewProject();
        await server.IngestAsync(project, Value("u1", "logins", 1, "2026-04-01"), Value("u1", "logins", 1, "2026-04-02"), Value("u1", "logins", 1, "2026-04-05"));
        await server.SealThroughAsync(project, "2026-04-01");
        var problems = new List<string>();
        var page = await server.NewPageAsync(problems);

        await page.SignInAsync(project.ServerSecret, "/readiness");
        await Expect(page.Locator("#last-sealed")).ToHaveTextAsync("2026-04-01");
        await Expect(page.Locator("#open-days")).ToHaveTextAsync("2026-04-02, 2026-04-05");
        await Expect(page.Locator("#watermark")).ToContainTextAsync(PacificTime.EndOf("2026-04-01").ToString());

        await server.SealThroughAsync(project, "2026-04-02");

        await Expect(page.Locator("#readiness-events tbody tr").First).ToContainTextAsync("2026-04-02");
        await Expect(page.Locator("#readiness-events tbody tr").First).ToContainTextAsync("sealed");
        await Expect(page.Locator("#last-sealed")).ToHaveTextAsync("2026-04-02");
        await Expect(page.Locator("#open-days")).ToHaveTextAsync("2026-04-05");
        ConsolePage.AssertNoProblems(problems);
    }

    [Fact]
    public async Task TheImportsPageShowsEachImportItsRunsAndTheirErrors()
    {
        var project = server.NewProject();
        var file = $"{project.Name}-metrics.csv";
        await File.WriteAllTextAsync(Path.Combine(server.Files.FullName, file),
            "unit_id,id_type,date,metric_name,metric_value\nu1,user_id,2026-04-10,imported_revenue,5\nu2,user_id,2026-04-10,imported_revenue,7\n");
        await server.Imports.CreateAsync(project.SecretHeaders, "warehouse_daily", "files", file, i => i.Schedule = "daily@06:30");
        await server.Imports.CreateAsync(project.SecretHeaders, "broken", "files", "no-such-file.csv");
        var good = await server.Imports.RunToEndAsync(project.SecretHeaders, "warehouse_daily", "2026-04-10", "2026-04-10");
        var bad = await server.Imports.RunToEndAsync(project.SecretHeaders, "broken", "2026-04-10", "2026-04-10");
        Assert.Equal((ImportRunStatus.Succeeded, ImportRunStatus.Failed), (good.Status, bad.Status));
        var problems = new List<string>();
        var page = await server.NewPageAsync(problems);

        await page.SignInAsync(project.ServerSecret, "/imports");

        var daily = page.Locator("section[data-import='warehouse_daily']");
        await Expect(daily).ToContainTextAsync("daily@06:30");
        await Expect(daily.Locator($"tr[data-run='{good.RunId}'] .status")).ToHaveTextAsync("SUCCEEDED");
        await Expect(daily.Locator($"tr[data-run='{good.RunId}']")).ToContainTextAsync("2 / 2 / 0");
        var broken = page.Locator("section[data-import='broken']");
        await Expect(broken.Locator($"tr[data-run='{bad.RunId}'] .status")).ToHaveTextAsync("FAILED");
        await Expect(broken.Locator($"tr[data-run='{bad.RunId}']")).ToContainTextAsync(bad.Message);
        ConsolePage.AssertNoProblems(problems);
    }
}
