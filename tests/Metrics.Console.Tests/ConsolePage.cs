namespace Metrics.Console.Tests;

/// <summary>What a person does on the console, as the tests do it: through labels and roles, as they read them.</summary>
public static class ConsolePage
{
    public static async Task SignInAsync(this IPage page, string key, string path = "/")
    {
        await page.GotoAsync(path);
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>The Logstream's body rows, newest first.</summary>
    public static ILocator LogstreamRows(this IPage page) => page.Locator(".logstream-table tbody tr");

    /// <summary>The Logstream row of the record of <paramref name="userId"/>.</summary>
    public static ILocator LogstreamRow(this IPage page, string userId) =>
        page.LogstreamRows().Filter(new() { Has = page.Locator("td.id", new() { HasTextString = userId }) });

    /// <summary>Fails the test with the page's script errors or policy violations, if it had any.</summary>
    public static void AssertNoProblems(List<string> problems) => Assert.True(problems.Count == 0, string.Join("\n", problems));
}
