using System.Globalization;
using Metrics.Contracts.V1;
using Spectre.Console;

namespace Metrics.Cli.Output;

/// <summary>
/// Logstream entries as they come: on a terminal a live table of the latest (ID type in its colour, test records
/// marked, rejected ones in red with the reason); else a line an entry, or its JSON with <c>--json</c>.
/// </summary>
internal static class LogstreamView
{
    private const int Rows = 25;
    private static readonly string[] IdTypeColours = ["deepskyblue1", "orange1", "mediumpurple1", "springgreen2", "gold1", "hotpink"];
    private static readonly Dictionary<string, string> Colours = new(StringComparer.Ordinal);

    public static async Task ShowAsync(IAsyncEnumerable<LogstreamEntry> entries, bool json)
    {
        if (json)
        {
            await foreach (var entry in entries)
                Console.WriteLine(ProtoJson.Format(entry));
        }
        else if (Terminal.IsInteractive)
            await TableAsync(entries);
        else
        {
            await foreach (var entry in entries)
            {
                if (entry.DroppedBefore > 0)
                    Console.WriteLine($"… {entry.DroppedBefore:N0} entries dropped: this tail fell behind");
                Console.WriteLine(Line(entry));
            }
        }
    }

    private static async Task TableAsync(IAsyncEnumerable<LogstreamEntry> entries)
    {
        var table = new Table().Expand().AddColumns("ingested", "metric", "unit", "id type", "value", "date", "status");
        table.Caption("waiting for records… (Ctrl+C to stop)");
        var shown = new Queue<LogstreamEntry>();
        await AnsiConsole.Live(table).StartAsync(async context =>
        {
            ulong dropped = 0;
            long seen = 0;
            await foreach (var entry in entries)
            {
                seen++;
                dropped += entry.DroppedBefore;
                shown.Enqueue(entry);
                if (shown.Count > Rows)
                    shown.Dequeue();
                table.Rows.Clear();
                foreach (var row in shown)
                    table.AddRow(Cells(row));
                table.Caption($"{seen:N0} entries{(dropped > 0 ? $", {dropped:N0} dropped (fell behind)" : "")} · Ctrl+C to stop");
                context.Refresh();
            }
        });
    }

    /// <summary>Each ID type its colour, in the order they first show: the first six are told apart at a glance.</summary>
    private static string ColourOf(string idType)
    {
        if (!Colours.TryGetValue(idType, out var colour))
            Colours[idType] = colour = IdTypeColours[Colours.Count % IdTypeColours.Length];
        return colour;
    }

    private static string[] Cells(LogstreamEntry entry)
    {
        var rejected = entry.Status == EntryStatus.Rejected;
        var colour = ColourOf(entry.IdType);
        return
        [
            entry.IngestedAt?.ToDateTimeOffset().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) ?? "",
            Markup.Escape(entry.MetricName),
            Markup.Escape(entry.UserId),
            $"[{colour}]{Markup.Escape(entry.IdType)}[/]",
            Markup.Escape(Value(entry)),
            Markup.Escape(entry.Date),
            (rejected ? $"[red]rejected: {Markup.Escape(entry.Reason)}[/]" : "[green]accepted[/]") + (entry.IsTest ? " [yellow](test)[/]" : ""),
        ];
    }

    /// <summary><c>2026-01-02T08:00:00.000Z accepted revenue user_id=u1 value=12.5 date=2026-01-01 [test]</c>, the reason after a rejected one.</summary>
    private static string Line(LogstreamEntry entry) =>
        $"{entry.IngestedAt?.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)} " +
        $"{(entry.Status == EntryStatus.Rejected ? "rejected" : "accepted")} {entry.MetricName} {entry.IdType}={entry.UserId} {Value(entry)} date={entry.Date}" +
        (entry.IsTest ? " [test]" : "") +
        (entry.Status == EntryStatus.Rejected ? $" reason: {entry.Reason}" : "");

    private static string Value(LogstreamEntry entry) => entry.HasNumerator || entry.HasDenominator
        ? $"numerator={Number(entry.Numerator)} denominator={Number(entry.Denominator)}"
        : $"value={(entry.HasMetricValue ? Number(entry.MetricValue) : "")}";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
