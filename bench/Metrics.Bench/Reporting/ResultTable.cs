using System.Globalization;
using Metrics.Bench.Hosting;
using Metrics.Bench.Scenarios;
using Spectre.Console;

namespace Metrics.Bench.Reporting;

/// <summary>The console report: one row per figure, then the CPU each process used during each scenario.</summary>
public static class ResultTable
{
    public static void Write(MachineInfo machine, double scale, IReadOnlyList<ScenarioResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Metrics benchmark, scale {scale.ToString(CultureInfo.InvariantCulture)} — {machine.Cores} cores, {machine.MemoryGiB} GiB, Redis {machine.RedisVersion}")
            .AddColumn("Scenario").AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned()).AddColumn("Unit")
            .AddColumn("Target").AddColumn(new TableColumn("× floor").RightAligned()).AddColumn("Result");
        foreach (var result in results)
        {
            var first = true;
            foreach (var figure in result.Figures)
            {
                table.AddRow(
                    first ? Markup.Escape(result.Id) : "",
                    Markup.Escape(figure.Label),
                    Markup.Escape(Format(figure.Value, figure.Unit)),
                    Markup.Escape(figure.Unit),
                    Markup.Escape(figure.Target?.ToString() ?? ""),
                    figure.RatioToFloor is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "",
                    Verdict(figure.Pass));
                first = false;
            }
            if (result.Status != ScenarioStatus.Completed)
            {
                var status = result.Status == ScenarioStatus.TimedOut ? "[yellow]timed out[/]" : "[red]failed[/]";
                table.AddRow(first ? Markup.Escape(result.Id) : "", status, "", "", "", "", Markup.Escape(Shorten(result.Error ?? "")));
            }
        }
        AnsiConsole.Write(table);

        var cpu = new Table().Border(TableBorder.Simple).Title("CPU used during each scenario (average cores)")
            .AddColumn("Scenario").AddColumn("Seconds").AddColumn("Cores used per process");
        foreach (var result in results)
            cpu.AddRow(Markup.Escape(result.Id), result.Seconds.ToString("0.0", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", result.CoresUsed.Select(p => $"{p.Key} {p.Value.ToString("0.00", CultureInfo.InvariantCulture)}"))));
        AnsiConsole.Write(cpu);
    }

    public static string Format(double value, string unit)
    {
        if (double.IsNaN(value))
            return "—";
        return unit switch
        {
            "ms" or "s" or "×" or "cores" or "µs" => value.ToString("0.00", CultureInfo.InvariantCulture),
            "MB" => value.ToString("N1", CultureInfo.InvariantCulture),
            _ => value.ToString("N0", CultureInfo.InvariantCulture),
        };
    }

    private static string Verdict(bool? pass) => pass switch
    {
        true => "[green]pass[/]",
        false => "[red]FAIL[/]",
        null => "",
    };

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..157] + "...";
}
