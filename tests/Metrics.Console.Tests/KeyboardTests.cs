using static Metrics.Console.Tests.Recording;

namespace Metrics.Console.Tests;

/// <summary>SPEC §6 accessibility: the console works from the keyboard alone — sign in, the Logstream's controls, a metric's page.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class KeyboardTests(ConsoleServer server)
{
    private const string Day = "2026-03-25";

    [Fact]
    public async Task SignInTheLogstreamControlsAndAMetricPageWorkFromTheKeyboard()
    {
        var project = server.NewProject();
        await server.IngestAsync(project, Value("k1", "keyed_metric", 3, Day));
        await server.IngestAsync(project, isTest: true, Value("k-test", "keyed_metric", 1, Day));
        var problems = new List<string>();
        var page = await server.NewPageAsync(problems);

        await page.GotoAsync("/");
        await Expect(page.GetByLabel("API key")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(project.ServerSecret);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.LogstreamRow("k1")).ToBeVisibleAsync();

        await page.GetByLabel("Search").FocusAsync();
        await TabUntilFocusedAsync(page, page.GetByLabel("Show test records"));
        await page.Keyboard.PressAsync("Space");
        await Expect(page.LogstreamRow("k-test")).ToBeVisibleAsync();
        await TabUntilFocusedAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Pause" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToHaveAttributeAsync("aria-pressed", "true");

        await page.GetByRole(AriaRole.Link, new() { Name = "keyed_metric" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "keyed_metric", Exact = true })).ToBeVisibleAsync();
        ConsolePage.AssertNoProblems(problems);
    }

    /// <summary>Presses Tab until <paramref name="target"/> has the focus, as a person moving through the page does.</summary>
    private static async Task TabUntilFocusedAsync(IPage page, ILocator target)
    {
        for (var presses = 0; presses < 40; presses++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
                return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"40 presses of Tab did not reach {target}");
    }
}
