using static Metrics.Console.Tests.Recording;

namespace Metrics.Console.Tests;

/// <summary>
/// SPEC §6 Logstream at the bottom of the catalog: records live as they come, test records only with Show test
/// records, refused ones only with Show rejected, Pause and resume, the ID type the metric does not usually have
/// marked, and what to check when nothing comes.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LogstreamTests(ConsoleServer server)
{
    private const string Day = "2026-03-03";

    private async Task<IPage> OpenAsync(ProjectKeys project, List<string> problems)
    {
        var page = await server.NewPageAsync(problems);
        await page.SignInAsync(project.ServerSecret);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Logstream" })).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task ARecordIngestedAfterThePageOpenedAppearsWithinTwoSecondsWithItsFields()
    {
        var project = server.NewProject();
        var problems = new List<string>();
        var page = await OpenAsync(project, problems);
        await Expect(page.Locator("#logstream-empty")).ToContainTextAsync("Nothing has been ingested recently");

        await server.IngestAsync(project, Value("live-user", "signups", 4.25, Day, "stable_id"));

        var row = page.LogstreamRow("live-user");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 2000 });
        await Expect(row).ToContainTextAsync("signups");
        await Expect(row.Locator("td.num")).ToHaveTextAsync("4.25");
        await Expect(row.Locator(".id-type-badge")).ToHaveTextAsync("stable_id");
        await Expect(row).ToContainTextAsync(Day);
        await Expect(row).ToContainTextAsync("ACCEPTED");
        await Expect(row).ToContainTextAsync("api");
        await Expect(page.Locator("#logstream-empty")).ToBeHiddenAsync();
        ConsolePage.AssertNoProblems(problems);
    }

    [Fact]
    public async Task TestRecordsShowOnlyWithShowTestRecordsAndRefusedOnesOnlyWithShowRejected()
    {
        var project = server.NewProject();
        var problems = new List<string>();
        var page = await OpenAsync(project, problems);

        await server.IngestAsync(project, isTest: true, Value("test-user", "signups", 1, Day));
        await server.IngestRefusedAsync(project, Value("refused-user", "signups", 1, Day, idType: "no_such_id_type"));
        await server.IngestAsync(project, Value("prod-user", "signups", 1, Day));

        await Expect(page.LogstreamRow("prod-user")).ToBeVisibleAsync();
        await Expect(page.LogstreamRow("test-user")).ToHaveCountAsync(0);
        await Expect(page.LogstreamRow("refused-user")).ToHaveCountAsync(0);

        await page.GetByLabel("Show test records").CheckAsync();
        await Expect(page.LogstreamRow("test-user")).ToContainTextAsync("test");
        await Expect(page.LogstreamRow("refused-user")).ToHaveCountAsync(0);

        await page.GetByLabel("Show rejected").CheckAsync();
        await Expect(page.LogstreamRow("refused-user")).ToContainTextAsync("REJECTED");
        await Expect(page.LogstreamRow("refused-user")).ToContainTextAsync("no_such_id_type");

        await page.GetByLabel("Show test records").UncheckAsync();
        await Expect(page.LogstreamRow("test-user")).ToHaveCountAsync(0);
        ConsolePage.AssertNoProblems(problems);
    }

    [Fact]
    public async Task PauseStopsTheRowsAndResumeCatchesUp()
    {
        var project = server.NewProject();
        var problems = new List<string>();
        var page = await OpenAsync(project, problems);
        await server.IngestAsync(project, Value("before-pause", "orders", 1, Day));
        await Expect(page.LogstreamRow("before-pause")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await server.IngestAsync(project, Value("while-paused-1", "orders", 1, Day), Value("while-paused-2", "orders", 2, Day));

        // The records arrived (the page counts them) and no row was drawn for them.
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "Paused" })).ToContainTextAsync("2 records arrived since");
        await Expect(page.LogstreamRow("while-paused-1")).ToHaveCountAsync(0);
        await Expect(page.LogstreamRow("before-pause")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(page.LogstreamRow("while-paused-1")).ToBeVisibleAsync();
        await Expect(page.LogstreamRow("while-paused-2")).ToBeVisibleAsync();
        await Expect(page.LogstreamRows().First).ToContainTextAsync("while-paused-2");
        ConsolePage.AssertNoProblems(problems);
    }

    [Fact]
    public async Task FiltersByMetricIdTypeAndIdActOnTheRecordsAlreadyShown()
    {
        var project = server.NewProject();
        var problems = new List<string>();
        var page = await OpenAsync(project, problems);
        await server.IngestAsync(project, Value("f-a", "alpha", 1, Day), Value("f-b", "beta", 1, Day, "stable_id"), Value("f-c", "alpha", 1, Day, "stable_id"));
        await Expect(page.LogstreamRows()).ToHaveCountAsync(3);

        await page.GetByLabel("Metric", new() { Exact = true }).FillAsync("alpha");
        await Expect(page.LogstreamRows()).ToHaveCountAsync(2);
        await page.GetByLabel("ID type", new() { Exact = true }).FillAsync("stable_id");
        await Expect(page.LogstreamRows()).ToHaveCountAsync(1);
        await Expect(page.LogstreamRow("f-c")).ToBeVisibleAsync();
        await page.GetByLabel("Metric", new() { Exact = true }).FillAsync("");
        await page.GetByLabel("ID", new() { Exact = true }).FillAsync("f-b");
        await Expect(page.LogstreamRows()).ToHaveCountAsync(1);
        await Expect(page.LogstreamRow("f-b")).ToBeVisibleAsync();
        ConsolePage.AssertNoProblems(problems);
    }

    [Fact]
    public async Task ARecordWithAnIdTypeTheMetricDoesNotUsuallyHaveIsMarkedInWords()
    {
        var project = server.NewProject();
        await server.IngestAsync(project, Value("usual-1", "purchases", 1, Day), Value("usual-2", "purchases", 1, Day));
        var problems = new List<string>();
        var page = await OpenAsync(project, problems);
        await Expect(page.Locator("table.catalog tbody tr")).ToHaveCountAsync(1);

        await server.IngestAsync(project, Value("odd-one", "purchases", 1, "2026-03-04", "stable_id"));

        await Expect(page.LogstreamRow("odd-one").Locator(".unusual-mark")).ToContainTextAsync("not user_id");
        await Expect(page.LogstreamRow("usual-1").Locator(".unusual-mark")).ToHaveCountAsync(0);
        ConsolePage.AssertNoProblems(problems);
    }
}
