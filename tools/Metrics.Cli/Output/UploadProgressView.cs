using System.Diagnostics;
using Metrics.Client.Uploads;
using Spectre.Console;

namespace Metrics.Cli.Output;

/// <summary>
/// An upload's progress while it runs: a Spectre progress bar (rows, rows/s, time left) on a terminal, else a plain
/// line a second — what a pipeline's log keeps.
/// </summary>
internal static class UploadProgressView
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static Task ShowAsync(Task upload, UploadTally tally, long total) =>
        Terminal.IsInteractive ? BarAsync(upload, tally, total) : LinesAsync(upload, tally, total);

    private static Task BarAsync(Task upload, UploadTally tally, long total) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var clock = Stopwatch.StartNew();
                var bar = context.AddTask("upload", maxValue: Math.Max(total, 1));
                while (true)
                {
                    var done = await Task.WhenAny(upload, Task.Delay(TimeSpan.FromMilliseconds(200)));
                    bar.Value = tally.RowsDone;
                    bar.Description = Markup.Escape($"{tally.RowsDone:N0}/{total:N0} rows · {Rate(tally, clock):N0} rows/s · {tally.RowsRejected:N0} rejected");
                    if (done == upload)
                        break;
                }
                await upload;
            });

    private static async Task LinesAsync(Task upload, UploadTally tally, long total)
    {
        var clock = Stopwatch.StartNew();
        while (await Task.WhenAny(upload, Task.Delay(Interval)) != upload)
            Console.WriteLine(Line(tally, total, clock));
        Console.WriteLine(Line(tally, total, clock));
        await upload;
    }

    /// <summary><c>progress: 50,000/200,000 rows (25.0 %), 48,000 rows/s, 3 s left; 50,000 applied, 0 already applied, 0 rejected</c>.</summary>
    private static string Line(UploadTally tally, long total, Stopwatch clock)
    {
        var done = tally.RowsDone;
        var rate = Rate(tally, clock);
        var left = rate > 0 ? $"{Math.Ceiling((total - done) / rate):N0} s left" : "time left unknown";
        return $"progress: {done:N0}/{total:N0} rows ({(total > 0 ? 100.0 * done / total : 100):0.0} %), {rate:N0} rows/s, {left}; " +
               $"{tally.RowsApplied:N0} applied, {tally.RowsAlreadyApplied:N0} already applied, {tally.RowsRejected:N0} rejected";
    }

    private static double Rate(UploadTally tally, Stopwatch clock) => tally.RowsDone / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
}
