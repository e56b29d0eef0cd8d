using System.Diagnostics;
using System.Globalization;
using Metrics.Bench.Hosting;
using Metrics.Contracts.V1;
using Microsoft.Playwright;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// CONSOLE: the console in Debian's Chromium, headless, against an embedded node. The catalog of 10,000 metrics:
/// milliseconds from the page's navigation until it shows the count of all of them and its first 200 rows. The Logstream under 20,000 records a
/// second, sent by the harness for 15 s while the page is open: the page's frame times (a requestAnimationFrame
/// loop injected before its scripts) and long tasks, and the records it received.
/// </summary>
public static class ConsoleScenario
{
    public const string Title = "The console: a catalog of 10,000 metrics rendered, the Logstream page's frames at 20,000 records/s";

    private const int RecordsPerCall = 1000;
    private const int FloodRecordsPerSecond = 20_000;

    /// <summary>Frame times and long tasks, from before the page's own scripts.</summary>
    private const string Recorder = """
        window.__frames = [];
        window.__longTasks = [];
        (() => {
          let last = performance.now();
          const tick = (t) => { window.__frames.push([t, t - last]); last = t; requestAnimationFrame(tick); };
          requestAnimationFrame(tick);
          new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
            .observe({ type: "longtask", buffered: true });
        })();
        """;

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs("CONSOLE"))
            return;
        var metrics = context.Options.Scaled(10_000, 100);
        var floodSeconds = Math.Max(3, 15 * context.Options.Scale);
        var project = BenchProject.Console;
        await using var node = await context.StartNodeAsync("node-console", onRedis: false, "console");
        await using var chromium = await ChromiumBrowser.LaunchAsync();

        await context.MeasureAsync("CONSOLE", Title, async (result, _) =>
        {
            using var channel = node.CreateChannel();
            var ingest = new IngestService.IngestServiceClient(channel);
            for (var first = 0; first < metrics; first += RecordsPerCall)
            {
                var request = new LogCustomMetricRequest();
                request.Metrics.AddRange(Enumerable.Range(first, Math.Min(RecordsPerCall, metrics - first)).Select(m => new MetricRecord
                {
                    UserId = "u1", IdType = "user_id", MetricName = $"metric_{m:00000}", MetricValue = m, Date = context.Date,
                }));
                await ingest.LogCustomMetricAsync(request, project.IngestHeaders);
            }

            await using var browser = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = node.JsonAddress.ToString(),
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            });
            await browser.AddInitScriptAsync($"sessionStorage.setItem('metrics.apiKey', '{project.ServerSecret}');\n{Recorder}");
            // Once to warm the node's JSON routes; then the page measured, in a new tab.
            var warmUp = await browser.NewPageAsync();
            await warmUp.GotoAsync("/");
            await warmUp.Locator("table.catalog tbody tr").First.WaitForAsync();
            await warmUp.CloseAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync("/");
            // Shown: the count of every metric read, and the first rows drawn (the rest as the list is scrolled).
            await page.WaitForFunctionAsync(
                "([count, rows]) => document.querySelector('.toolbar [role=status]')?.textContent.startsWith(`${count} of ${count} metrics`) " +
                "&& document.querySelectorAll('table.catalog tbody tr').length >= rows",
                new object[] { metrics.ToString("N0", CultureInfo.InvariantCulture), Math.Min(metrics, 200) },
                new PageWaitForFunctionOptions { Timeout = 120_000 });
            var catalogMs = await page.EvaluateAsync<double>("performance.now()");
            var pagesRead = await page.EvaluateAsync<double[]>("""
                (() => {
                  const pages = performance.getEntriesByType('resource').filter(e => e.name.includes('/v1/metrics?'));
                  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
                  return [performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd, Math.max(...pages.map(e => e.responseEnd)),
                          median(pages.map(e => e.responseEnd - e.requestStart)), median(pages.map(e => e.responseStart - e.requestStart))];
                })()
                """);
            result.Add(new Figure("catalog_ms", $"catalog of {metrics:N0} metrics shown", catalogMs, "ms", Target.Max(1000)));
            result.Notes.Add($"catalog: the page's scripts ran at {pagesRead[0]:0} ms, its last ListMetrics page arrived at {pagesRead[1]:0} ms " +
                             $"(a page {pagesRead[2]:0} ms, of which {pagesRead[3]:0} ms until its first byte), shown at {catalogMs:0} ms");

            var floodStart = await page.EvaluateAsync<double>("performance.now()");
            var sent = await FloodAsync(ingest, project, context.Date, TimeSpan.FromSeconds(floodSeconds));
            var floodEnd = await page.EvaluateAsync<double>("performance.now()");
            await page.WaitForTimeoutAsync(500);
            var frames = (await page.EvaluateAsync<double[][]>("window.__frames"))
                .Where(f => f[0] >= floodStart && f[0] <= floodEnd).Select(f => f[1]).Order().ToArray();
            var longTasks = (await page.EvaluateAsync<double[][]>("window.__longTasks")).Where(t => t[0] >= floodStart && t[0] <= floodEnd).ToArray();
            var status = await page.Locator(".logstream [role=status]").TextContentAsync() ?? "";
            if (frames.Length == 0)
                throw new InvalidOperationException("the page drew no frame during the flood");
            result.Add(new Figure("frame_p95_ms", "Logstream page frame time p95", Percentile(frames, 95), "ms", Target.Max(50)));
            result.Add(new Figure("frame_max_ms", "Logstream page frame time max", frames[^1], "ms"));
            result.Add(new Figure("long_tasks_ms", "main-thread long tasks, in all", longTasks.Sum(t => t[1]), "ms"));
            result.Add(new Figure("flood_records_per_second", "records/s sent", sent / ((floodEnd - floodStart) / 1000), "records/s"));
            result.Notes.Add($"{sent:N0} records sent in calls of {RecordsPerCall:N0} over {(floodEnd - floodStart) / 1000:0.0} s; " +
                             $"{frames.Length:N0} frames meanwhile, {longTasks.Length} long tasks; the page said: \"{status.Trim()}\"");
        });
    }

    /// <summary>Calls of 1,000 records into ten of the catalog's metrics, paced to 20,000 records a second; the records sent.</summary>
    private static async Task<long> FloodAsync(IngestService.IngestServiceClient ingest, ProjectKeys project, string date, TimeSpan duration)
    {
        var interval = TimeSpan.FromSeconds((double)RecordsPerCall / FloodRecordsPerSecond);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        long sent = 0;
        for (var call = 0; clock.Elapsed < duration; call++)
        {
            var due = interval * call;
            if (due > clock.Elapsed)
                await Task.Delay(due - clock.Elapsed);
            var request = new LogCustomMetricRequest();
            request.Metrics.AddRange(Enumerable.Range(0, RecordsPerCall).Select(u => new MetricRecord
            {
                UserId = string.Create(CultureInfo.InvariantCulture, $"flood-{call}-{u}"), IdType = "user_id",
                MetricName = $"metric_{u % 10:00000}", MetricValue = u, Date = date,
            }));
            inFlight.Add(ingest.LogCustomMetricAsync(request, project.IngestHeaders).ResponseAsync);
            inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
            sent += RecordsPerCall;
        }
        await Task.WhenAll(inFlight);
        return sent;
    }

    private static double Percentile(double[] sorted, double percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
