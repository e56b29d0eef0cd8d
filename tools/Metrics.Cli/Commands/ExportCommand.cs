using System.CommandLine;
using Metrics.Cli.Files;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics export METRIC DATE -o FILE</c>: a finalized day's per-unit values (<c>ExportMetricDay</c>) as CSV or Parquet.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var metric = Arguments.Metric();
        var date = Arguments.Date();
        var output = new Option<string>("--output", "-o") { Description = "The file to write: .csv or .parquet", Required = true };
        output.Validators.Add(r =>
        {
            var path = r.GetValueOrDefault<string>();
            if (Path.GetExtension(path).ToLowerInvariant() is not (".csv" or ".parquet"))
                r.AddError($"--output {path}: the export is a .csv or .parquet file");
        });
        var command = new Command("export", "Export a finalized metric-day's per-unit values to a CSV or Parquet file") { metric, date, output };
        CommandAction.Set(command, async (parse, cancellationToken) =>
        {
            using var client = Connection.Client(parse);
            var path = parse.GetValue(output)!;
            var units = await ExportFile.WriteAsync(
                client.ExportMetricDayAsync(parse.GetValue(metric)!, parse.GetValue(date)!, cancellationToken), path, cancellationToken);
            Console.WriteLine($"exported {units:N0} units to {path}");
            return ExitCodes.Success;
        });
        return command;
    }
}
