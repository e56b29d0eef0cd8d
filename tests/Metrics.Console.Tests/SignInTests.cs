using static Metrics.Console.Tests.Recording;

namespace Metrics.Console.Tests;

/// <summary>SPEC §6 sign-in: a field labelled API key, a button Sign in; a wrong key is told, the right one shows the catalog.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SignInTests(ConsoleServer server)
{
    private const string Day = "2026-03-02";

    [Fact]
    public async Task AWrongKeyIsToldAndTheRightKeyListsTheIngestedMetrics()
    {
        var project = server.NewProject();
        await server.IngestAsync(project, Value("u1", "checkout_revenue", 12.5, Day), Value("u2", "page_views", 3, Day, "stable_id"));
        var problems = new List<string>();
        var page = await server.NewPageAsync(problems);

        await page.SignInAsync("not-a-key");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("refused");
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('metrics.apiKey')"));

        await page.GetByLabel("API key").FillAsync(project.IngestKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("refused");

        // The browser logs the two refused calls (401, 403) as errors; nothing else may have gone wrong.
        Assert.Equal(2, problems.RemoveAll(p => p.Contains("status of 401") || p.Contains("status of 403")));
        ConsolePage.AssertNoProblems(problems);
        await page.GetByLabel("API key").FillAsync(project.ServerSecret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var rows = page.Locator("table.catalog tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToContainTextAsync("checkout_revenue");
        await Expect(rows.Nth(0).Locator(".latest-status")).ToHaveTextAsync("OPEN");
        await Expect(rows.Nth(1)).ToContainTextAsync("page_views");
        await Expect(rows.Nth(1).Locator(".id-type")).ToHaveTextAsync("stable_id");
        Assert.DoesNotContain(project.ServerSecret, page.Url);
        Assert.Equal(project.ServerSecret, await page.EvaluateAsync<string>("sessionStorage.getItem('metrics.apiKey')"));

        await page.GetByLabel("Search").FillAsync("views");
        await Expect(rows.Filter(new() { Visible = true })).ToHaveCountAsync(1);
        ConsolePage.AssertNoProblems(problems);
    }

    [Fact]
    public async Task EveryPageCarriesAStrictContentSecurityPolicy()
    {
        var page = await server.NewPageAsync([]);
        foreach (var path in new[] { "/", "/metrics/any", "/readiness", "/imports" })
        {
            var response = await page.GotoAsync(path);
            var policy = await response!.HeaderValueAsync("content-security-policy");
            Assert.NotNull(policy);
            Assert.Contains("script-src 'self'", policy);
            Assert.Contains("default-src 'none'", policy);
            Assert.DoesNotContain("unsafe-inline", policy);
            Assert.DoesNotContain("unsafe-eval", policy);
        }
    }
}
