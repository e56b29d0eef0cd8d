using System.CommandLine;
using System.Globalization;
using Metrics.Cli.Output;
using Metrics.Contracts.V1;
using Spectre.Console;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics day METRIC DATE</c>: a metric-day's aggregates, overall and by ID type, as a table or <c>--json</c>.</summary>
internal static class DayCommand
{
    public static Command Create()
    {
        var metric = Arguments.Metric();
        var date = Arguments.Date();
        var includeTest = new Option<bool>("--include-test") { Description = "Aggregate the test records instead of the production ones" };
        var json = Arguments.Json("the metric-day");
        var command = new Command("day", "Show a metric-day: its status, and its aggregates overall and by ID type") { metric, date, includeTest, json };
        CommandAction.Set(command, async (parse, cancellationToken) =>
        {
            using var client = Connection.Client(parse);
            var day = await client.GetMetricDayAsync(parse.GetValue(metric)!, parse.GetValue(date)!, parse.GetValue(includeTest), cancellationToken);
            if (parse.GetValue(json))
                Console.WriteLine(ProtoJson.Format(day));
            else
                Print(day);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(MetricDay day)
    {
        var ratio = day.Kind == MetricKind.Ratio;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(day.MetricName)}[/] on {day.Date}: {day.Status.ToString().ToUpperInvariant()}, {day.Kind.ToString().ToUpperInvariant()}" +
                               (day.FinalizedAt is { } sealedAt ? $", finalized {sealedAt.ToDateTimeOffset():u}" : "") +
                               (day.LastIngestedAt is { } last ? $", last ingested {last.ToDateTimeOffset():u}" : ""));
        var table = new Table().AddColumns("id type", "units", "rows", "sum", "mean", "variance");
        if (ratio)
            table.AddColumns("numerator", "denominator", "ratio");
        foreach (var aggregate in day.ByIdType.Prepend(day.Overall).Where(a => a is not null))
        {
            List<string> cells = [aggregate.IdType.Length == 0 ? "(all)" : aggregate.IdType, $"{aggregate.UnitCount:N0}", $"{aggregate.RowCount:N0}",
                Number(aggregate.Sum), Number(aggregate.Mean), Number(aggregate.Variance)];
            if (ratio)
                cells.AddRange([Number(aggregate.NumeratorSum), Number(aggregate.DenominatorSum), Number(aggregate.Ratio)]);
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(table);
    }

    /// <summary>A double as it round-trips (what <c>--json</c> and the export carry).</summary>
    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
