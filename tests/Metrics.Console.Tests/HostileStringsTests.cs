using static Metrics.Console.Tests.Recording;

namespace Metrics.Console.Tests;

/// <summary>
/// Every value from the API is shown as text: metric names and user IDs holding markup, scripts, format strings,
/// bidirectional text are shown verbatim in the catalog, the Logstream and the Detail View, and nothing runs.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class HostileStringsTests(ConsoleServer server)
{
    private const string Day = "2026-03-20";

    [Fact]
    public async Task HostileMetricNamesAndIdsAreShownAsTextAndNothingRuns()
    {
        var project = server.NewProject();
        await server.IngestAsync(project, HostileStrings.All.Select((s, i) => Value(s, s, i, Day)).ToArray());
        var problems = new List<string>();
        var page = await server.NewPageAsync(problems);
        page.Dialog += (_, dialog) => problems.Add($"a dialog opened: {dialog.Message}");

        await page.SignInAsync(project.ServerSecret);

        var names = page.Locator("table.catalog tbody th a");
        await Expect(names).ToHaveCountAsync(HostileStrings.All.Length);
        Assert.Equal(HostileStrings.All.Order(StringComparer.Ordinal), await names.AllTextContentsAsync());
        await Expect(page.LogstreamRows()).ToHaveCountAsync(HostileStrings.All.Length);
        var ids = await page.Locator(".logstream-table td.id").AllTextContentsAsync();
        Assert.Equal(HostileStrings.All.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.Equal(0, await page.Locator("main script, main img").CountAsync());

        foreach (var name in new[] { "<script>alert(1)</script>", "a/b/2026-05-10", "a%2Fb", "\u202Egnp.exe" })
        {
            await page.Locator("table.catalog tbody th a").GetByText(name, new() { Exact = true }).ClickAsync();
            await Expect(page.Locator("main h1")).ToHaveTextAsync(name);
            await Expect(page.Locator("table.days tbody tr")).ToHaveCountAsync(1);
            await page.GoBackAsync();
        }
        Assert.Equal("Metrics", await page.TitleAsync());
        ConsolePage.AssertNoProblems(problems);
    }
}
