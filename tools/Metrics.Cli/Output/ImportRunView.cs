using Metrics.Contracts.V1;

namespace Metrics.Cli.Output;

internal static class ImportRunView
{
    /// <summary><c>run r1: SUCCEEDED, 2026-01-01..2026-01-14, 20,000 rows read, 19,998 applied, 2 rejected; 14 days loaded, 0 unchanged, 1 restated</c>.</summary>
    public static string Summary(ImportRun run) =>
        $"run {run.RunId}: {run.Status.ToString().ToUpperInvariant()}, {run.FromDate}..{run.ToDate}, {run.RowsRead:N0} rows read, " +
        $"{run.RowsApplied:N0} applied, {run.RowsRejected:N0} rejected; {run.DaysLoaded} days loaded, {run.DaysUnchanged} unchanged, " +
        $"{run.DaysRestated} restated{(run.Message.Length > 0 ? $" — {run.Message}" : "")}";

    public static void PrintErrors(ImportRun run)
    {
        foreach (var error in run.Errors)
            Console.WriteLine($"rejected: {error.Date} row {error.Row} {error.Column}: {error.Reason}");
    }
}
