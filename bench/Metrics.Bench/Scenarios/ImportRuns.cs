using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Bench.Scenarios;

/// <summary>An import created and run over one day to its end, as IMPORT and IMPORT_FILES run theirs (and warm up with).</summary>
public static class ImportRuns
{
    /// <summary>
    /// The imports a node runs to warm up before it is measured, each of its own metrics: the runtime compiles a method
    /// at full optimization after 30 calls, and some of an import's methods are called once a run, once a metric-day or
    /// once a chunk, as they are in a node that has run imports for a while. One at a smoke run's scale.
    /// </summary>
    public static int WarmUpImports(BenchOptions options) => options.Scaled(40, 1);

    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Creates import <paramref name="importId"/> of <paramref name="query"/> from <paramref name="source"/> in <paramref name="project"/>,
    /// runs it over <paramref name="date"/> and watches it to its end, calling <paramref name="progressed"/> at each
    /// message; throws unless it succeeded with <paramref name="rows"/> rows applied.
    /// </summary>
    public static async Task RunToEndAsync(
        ImportService.ImportServiceClient imports, ProjectKeys project, string importId, string source, string query, string date, long rows,
        Action? progressed = null)
    {
        var headers = project.SecretHeaders;
        await imports.CreateImportAsync(new CreateImportRequest { Import = new Import { ImportId = importId, Source = source, Query = query } }, headers);
        var run = await imports.RunImportAsync(new RunImportRequest { ImportId = importId, FromDate = date, ToDate = date }, headers);
        using var watch = imports.WatchImportRun(new WatchImportRunRequest { ImportId = importId, RunId = run.RunId }, headers, DateTime.UtcNow + RunLimit);
        await foreach (var state in watch.ResponseStream.ReadAllAsync())
        {
            run = state;
            progressed?.Invoke();
        }
        if (run.Status != ImportRunStatus.Succeeded || run.RowsApplied != rows)
            throw new InvalidOperationException($"the run ended {run.Status} with {run.RowsApplied:N0} of {rows:N0} rows applied: {run.Message}");
    }
}
