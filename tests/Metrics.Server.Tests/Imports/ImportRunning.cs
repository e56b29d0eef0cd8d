using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.Imports;

/// <summary>Runs an import through the public API and follows it with WatchImportRun until it ends.</summary>
public static class ImportRunning
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Every message the watch delivered, the last one the run's end.</summary>
    public static async Task<List<ImportRun>> RunAndWatchAsync(
        this ImportService.ImportServiceClient imports, Metadata key, string importId, string from, string to)
    {
        var started = await imports.RunImportAsync(new RunImportRequest { ImportId = importId, FromDate = from, ToDate = to }, key);
        Assert.Contains(started.Status, new[] { ImportRunStatus.Pending, ImportRunStatus.Running });
        using var timeout = new CancellationTokenSource(RunTimeout);
        using var watch = imports.WatchImportRun(new WatchImportRunRequest { ImportId = importId, RunId = started.RunId }, key, cancellationToken: timeout.Token);
        var seen = new List<ImportRun>();
        await foreach (var run in watch.ResponseStream.ReadAllAsync(timeout.Token))
            seen.Add(run);
        Assert.NotEmpty(seen);
        Assert.Contains(seen[^1].Status, new[] { ImportRunStatus.Succeeded, ImportRunStatus.Failed });
        Assert.All(seen, r => Assert.Equal(started.RunId, r.RunId));
        return seen;
    }

    public static async Task<ImportRun> RunToEndAsync(
        this ImportService.ImportServiceClient imports, Metadata key, string importId, string from, string to) =>
        (await imports.RunAndWatchAsync(key, importId, from, to))[^1];

    public static Task<Import> CreateAsync(
        this ImportService.ImportServiceClient imports, Metadata key, string importId, string source, string query, Action<Import>? configure = null)
    {
        var import = new Import { ImportId = importId, Source = source, Query = query };
        configure?.Invoke(import);
        return imports.CreateImportAsync(new CreateImportRequest { Import = import }, key).ResponseAsync;
    }
}
