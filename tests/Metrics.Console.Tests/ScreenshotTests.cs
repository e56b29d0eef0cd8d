using Metrics.Contracts.V1;
using Metrics.Server.Tests.Imports;
using static Metrics.Console.Tests.Recording;

namespace Metrics.Console.Tests;

/// <summary>
/// Each page at desktop and phone width, with data that shows, saved under <c>docs/screenshots</c> for the README;
/// at phone width no page is wider than the screen (wide tables scroll inside their box).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ScreenshotTests(ConsoleServer server)
{
    private static readonly (string Name, int Width, int Height)[] Screens = [("desktop", 1280, 900), ("phone", 390, 844)];

    [Fact]
    public async Task EveryPageAtDesktopAndPhoneWidth()
    {
        var project = server.NewProject();
        await SeedAsync(project);
        var directory = Path.Combine(RepositoryLayout.Root(), "docs", "screenshots");
        Directory.CreateDirectory(directory);
        var problems = new List<string>();
        foreach (var (screen, width, height) in Screens)
        {
            var page = await server.NewPageAsync(problems, width, height);
            await page.SignInAsync(project.ServerSecret);
            await Expect(page.Locator("table.catalog tbody tr")).ToHaveCountAsync(4);
            await Expect(page.LogstreamRows().First).ToBeVisibleAsync();
            await Expect(page.Locator("table.catalog .latest-status").First).Not.ToHaveTextAsync("…");
            await SaveAsync(page, directory, "catalog", screen);

            await page.Locator("table.catalog tbody th a").GetByText("checkout_revenue", new() { Exact = true }).ClickAsync();
            await Expect(page.Locator("figure.chart canvas")).ToHaveCountAsync(2);
            await SaveAsync(page, directory, "metric-detail", screen);

            await page.GetByRole(AriaRole.Link, new() { Name = "Readiness" }).ClickAsync();
            await Expect(page.Locator("#last-sealed")).ToHaveTextAsync("2026-05-12");
            await SaveAsync(page, directory, "readiness", screen);

            await page.GetByRole(AriaRole.Link, new() { Name = "Imports" }).ClickAsync();
            await Expect(page.Locator("section[data-import] .status").First).ToHaveTextAsync("SUCCEEDED");
            await SaveAsync(page, directory, "imports", screen);
            await page.Context.CloseAsync();
        }
        ConsolePage.AssertNoProblems(problems);
    }

    private static async Task SaveAsync(IPage page, string directory, string name, string screen)
    {
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{name} at {screen} width is {overflow} px wider than the screen");
        var path = Path.Combine(directory, $"{name}-{screen}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = screen == "desktop" });
        Assert.True(new FileInfo(path).Length > 1000, path);
    }

    /// <summary>Two weeks of three metrics, the first twelve days sealed, an import of a fourth, and a few refused and test records.</summary>
    private async Task SeedAsync(ProjectKeys project)
    {
        var random = new Random(7);
        var days = Enumerable.Range(0, 14).Select(d => new DateOnly(2026, 5, 1).AddDays(d).ToString("yyyy-MM-dd")).ToArray();
        foreach (var day in days)
        {
            var records = new List<MetricRecord>();
            var units = 150 + random.Next(60);
            for (var u = 0; u < units; u++)
            {
                records.Add(Value($"user-{u}", "checkout_revenue", Math.Round(20 + random.NextDouble() * 60 + (u % 7) * 3, 2), day));
                records.Add(Value($"device-{u}", "sessions", 1 + random.Next(8), day, "stable_id"));
                records.Add(Ratio($"user-{u}", "add_to_cart_rate", random.Next(4), 4 + random.Next(3), day));
            }
            await server.IngestAsync(project, records.ToArray());
        }
        await server.SealThroughAsync(project, days[11]);
        await server.IngestAsync(project, isTest: true, Value("qa-1", "checkout_revenue", 1, days[13]));
        await server.IngestRefusedAsync(project, Value("user-1", "checkout_revenue", 5, days[13], idType: "userid"));
        await server.IngestAsync(project, Value("user-9", "checkout_revenue", 42.5, days[13]), Value("device-9", "checkout_revenue", 12, days[13], "stable_id"));
        var file = $"{project.Name}-orders.csv";
        await File.WriteAllTextAsync(Path.Combine(server.Files.FullName, file),
            "unit_id,id_type,date,metric_name,metric_value\n" + string.Join("\n", Enumerable.Range(0, 40).Select(u => $"user-{u},user_id,{days[13]},orders,{1 + u % 3}")) + "\n");
        await server.Imports.CreateAsync(project.SecretHeaders, "orders_daily", "files", file, i => i.Schedule = "daily@06:00");
        Assert.Equal(ImportRunStatus.Succeeded, (await server.Imports.RunToEndAsync(project.SecretHeaders, "orders_daily", days[13], days[13])).Status);
    }
}
