using System.CommandLine;
using Metrics.Client.Uploads;
using Metrics.Cli.Files;
using Metrics.Cli.Output;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics upload FILE</c>: a CSV or Parquet file in the import schema, chunked into <c>LogCustomMetric</c> calls that a second run resumes.</summary>
internal static class UploadCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A .csv (with a header row) or .parquet file in the import schema" };
        var test = new Option<bool>("--test") { Description = "Send the rows as test records (isTest)" };
        var chunk = new Option<int>("--chunk-size") { Description = "Records a call, 1,000–10,000; a resumed upload needs the same", DefaultValueFactory = _ => 5_000 };
        var parallel = new Option<int>("--parallel") { Description = "Calls in flight, 1–64", DefaultValueFactory = _ => 4 };
        var prefix = new Option<string>("--key-prefix")
        {
            Description = "The start of every idempotency key; another prefix sends the same rows again on purpose",
            DefaultValueFactory = _ => "upload",
        };
        chunk.Validators.Add(r => Range(r, "--chunk-size", 1_000, 10_000));
        parallel.Validators.Add(r => Range(r, "--parallel", 1, 64));
        prefix.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (value.Length is < 1 or > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                r.AddError($"--key-prefix \"{value}\" is not 1–64 of A-Z, a-z, 0-9, '.', '_', '-'");
        });
        var report = new Option<string?>("--report") { Description = "Also write the report, every rejected row included, to this JSON file" };
        var command = new Command("upload", "Upload a CSV or Parquet file in the import schema; run it again after an interruption to send the rest")
        {
            file, test, chunk, parallel, prefix, report,
        };
        CommandAction.Set(command, async (parse, cancellationToken) =>
        {
            var options = new UploadOptions
            {
                ChunkSize = parse.GetValue(chunk),
                Parallelism = parse.GetValue(parallel),
                IsTest = parse.GetValue(test),
                KeyPrefix = parse.GetValue(prefix)!,
            };
            await using var source = await ImportFile.OpenAsync(parse.GetValue(file)!, cancellationToken);
            using var client = Connection.Client(parse);
            var reportFile = parse.GetValue(report);
            if (reportFile is not null)
                OutputFile.Check("--report", reportFile);
            var total = await source.CountAsync(cancellationToken);
            var tally = new UploadTally();
            var upload = client.UploadAsync(source.ReadAsync(options.IsTest, cancellationToken), options, tally, cancellationToken);
            try
            {
                await UploadProgressView.ShowAsync(upload, tally, total);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await EndAsync(tally, reportFile, interrupted: true);
                return ExitCodes.Refused;
            }
            catch (Exception e) when (e is Imports.Schema.SourceException or UploadInterruptedException)
            {
                await EndAsync(tally, reportFile, interrupted: true);
                throw;
            }
            return await EndAsync(tally, reportFile, interrupted: false) is { RowsRejected: > 0 } ? ExitCodes.Refused : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Prints the report, and writes it to <paramref name="reportFile"/> when one was asked for, however the upload ended.</summary>
    private static async Task<UploadReport> EndAsync(UploadTally tally, string? reportFile, bool interrupted)
    {
        var result = tally.Report();
        UploadReportView.Print(result, interrupted);
        if (reportFile is not null)
            await UploadReportView.WriteAsync(result, reportFile, CancellationToken.None);
        return result;
    }

    private static void Range(System.CommandLine.Parsing.OptionResult result, string name, int min, int max)
    {
        if (result.GetValueOrDefault<int>() is var value && (value < min || value > max))
            result.AddError($"{name} {value} is not {min:N0}–{max:N0}");
    }
}
