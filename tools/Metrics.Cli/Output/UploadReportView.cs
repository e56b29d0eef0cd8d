using System.Text.Json;
using Metrics.Client.Uploads;
using Spectre.Console;

namespace Metrics.Cli.Output;

/// <summary>An upload's report: what it applied, what earlier runs had, and every rejected row with its number and reason.</summary>
internal static class UploadReportView
{
    private const int PrintedRejections = 20;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void Print(UploadReport report, bool interrupted)
    {
        Console.WriteLine(
            $"{(interrupted ? "interrupted" : "uploaded")}: {report.RowsRead:N0} rows read, {report.RowsApplied:N0} applied, " +
            $"{report.RowsAlreadyApplied:N0} already applied ({report.DuplicateChunks:N0} of {report.Chunks:N0} chunks), {report.RowsRejected:N0} rejected");
        if (interrupted)
            Console.WriteLine("run the same command again to send the rest: what was applied is not counted twice");
        if (report.Rejected.Count == 0)
            return;
        if (Terminal.IsInteractive)
        {
            var table = new Table().AddColumns("row", "column", "reason");
            foreach (var row in report.Rejected.Take(PrintedRejections))
                table.AddRow($"{row.Row}", Markup.Escape(Column(row.Field)), Markup.Escape(row.Reason));
            AnsiConsole.Write(table);
        }
        else
        {
            foreach (var row in report.Rejected.Take(PrintedRejections))
                Console.WriteLine($"rejected: row {row.Row} {Column(row.Field)}: {row.Reason}");
        }
        if (report.RowsRejected > PrintedRejections)
            Console.WriteLine($"… and {report.RowsRejected - PrintedRejections:N0} more rejected row(s): --report FILE writes them all");
    }

    public static async Task WriteAsync(UploadReport report, string path, CancellationToken cancellationToken)
    {
        var shown = report with { Rejected = report.Rejected.Select(r => r with { Field = Column(r.Field) }).ToList() };
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, shown, Json, cancellationToken);
    }

    /// <summary>The import schema's name of a field the server names as <c>LogCustomMetric</c>'s.</summary>
    private static string Column(string field) => field == "user_id" ? "unit_id" : field;
}
