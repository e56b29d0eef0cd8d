using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Metrics.Testing;

namespace Metrics.Server.Tests.Imports;

/// <summary>
/// SPEC §5 through the public API, from a real PostgreSQL: a table in the import schema imported for a date range
/// reads back with the aggregates PostgreSQL computes; a changed source reloads open days and restates sealed ones
/// past the threshold; signal_query seals; an imported metric is owned by its import.
/// </summary>
[Collection(ImportCollection.Name)]
public sealed class WarehouseImportTests(ImportServer server)
{
    private static readonly string[] Days = ["2026-02-01", "2026-02-02", "2026-02-03"];
    private static readonly string[] Metrics = ["ctr", "revenue", "sessions"];

    private static string Query(WarehouseTable table) =>
        $"SELECT * FROM {table.Name} WHERE date BETWEEN {{{{start_date}}}} AND {{{{end_date}}}}";

    private async Task AssertAggregatesAsync(Metadata key, WarehouseTable table, params string[] days)
    {
        var figures = await table.FiguresAsync();
        foreach (var day in days)
            foreach (var metric in Metrics)
            {
                var read = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = day }, key);
                Figuring.AssertMatches(figures[(metric, day)], read.Overall, $"{metric} on {day}");
            }
    }

    [Fact]
    public async Task ATableImportedForADateRangeReadsBackWithTheAggregatesPostgreSqlComputes()
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        await using var database = server.OpenDatabase();
        var rows = ImportRow.Sample(seed: 1, Days);
        var table = await WarehouseTable.CreateAsync(database, $"metrics_{project.Name}", rows);
        await server.Imports.CreateAsync(key, "warehouse_daily", "warehouse", Query(table));

        var seen = await server.Imports.RunAndWatchAsync(key, "warehouse_daily", Days[0], Days[^1]);

        var run = seen[^1];
        Assert.Equal(ImportRunStatus.Succeeded, run.Status);
        Assert.Equal((rows.Count, rows.Count, 0L), (run.RowsRead, run.RowsApplied, run.RowsRejected));
        Assert.Equal((9, 0, 0), (run.DaysLoaded, run.DaysUnchanged, run.DaysRestated));
        Assert.Equal((Days[0], Days[^1], "manual"), (run.FromDate, run.ToDate, run.Trigger));
        Assert.NotNull(run.FinishedAt);
        await AssertAggregatesAsync(key, table, Days);
        var ctr = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "ctr", Date = Days[0] }, key);
        Assert.Equal(MetricKind.Ratio, ctr.Kind);
        Assert.Equal(["stable_id", "user_id"], ctr.ByIdType.Select(a => a.IdType));

        var import = await server.Imports.GetImportAsync(new GetImportRequest { ImportId = "warehouse_daily" }, key);
        Assert.Equal((run.RunId, ImportRunStatus.Succeeded), (import.LastRun.RunId, import.LastRun.Status));
        Assert.Equal(14, import.LookbackDays);
        Assert.Equal(0.01, import.RestateThreshold);
        var listed = await server.Imports.ListImportsAsync(new ListImportsRequest(), key);
        Assert.Equal(["warehouse_daily"], listed.Imports.Select(i => i.ImportId));

        using var admin = new HttpClient { BaseAddress = server.Server.AdminAddress };
        var scrape = await Scrape.OfAsync(admin);
        Assert.Equal(rows.Count, scrape.Value("metrics_import_rows_total", ("project", project.Name), ("import", "warehouse_daily"), ("outcome", "applied")));
        Assert.Equal(rows.Count, scrape.Value("metrics_records_accepted_total", ("project", project.Name), ("source", "import")));
        var runs = await server.Imports.ListImportRunsAsync(new ListImportRunsRequest { ImportId = "warehouse_daily" }, key);
        Assert.Equal([run.RunId], runs.Runs.Select(r => r.RunId));
    }

    [Theory]
    [InlineData("date >= {{start_date}}")]
    [InlineData("date <= {{end_date}}")]
    public async Task AQueryThatUsesOnlyOneOfThePlaceholdersLoadsItsWindow(string condition)
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        await using var database = server.OpenDatabase();
        var table = await WarehouseTable.CreateAsync(database, $"metrics_{project.Name}", ImportRow.Sample(seed: 5, Days, units: 10));
        await server.Imports.CreateAsync(key, "one_placeholder", "warehouse", $"SELECT * FROM {table.Name} WHERE {condition}");

        var run = await server.Imports.RunToEndAsync(key, "one_placeholder", Days[1], Days[1]);

        Assert.True(run.Status == ImportRunStatus.Succeeded, run.Message);
        Assert.Equal((3, 0), (run.DaysLoaded, run.DaysUnchanged));
        await AssertAggregatesAsync(key, table, Days[1]);
        var outside = await Assert.ThrowsAsync<RpcException>(() =>
            server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Days[0] }, key).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, outside.StatusCode);
    }

    [Fact]
    public async Task AChangedSourceReloadsOpenDaysAndRestatesSealedOnesOnlyPastTheThreshold()
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        await using var database = server.OpenDatabase();
        var table = await WarehouseTable.CreateAsync(database, $"metrics_{project.Name}", ImportRow.Sample(seed: 2, Days[..2]), dateType: "text");
        await server.Imports.CreateAsync(key, "restating", "warehouse", Query(table), i => i.RestateThreshold = 0.05);
        Assert.Equal(ImportRunStatus.Succeeded, (await server.Imports.RunToEndAsync(key, "restating", Days[0], Days[1])).Status);
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Days[0]) }, key);
        var sealedRevenue = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Days[0] }, key);
        Assert.Equal((DayStatus.Finalized, 1), (sealedRevenue.Status, sealedRevenue.Version));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = server.Readiness.WatchReadiness(new WatchReadinessRequest(), key, cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        // The open day changes a little, the sealed day by 1 % of its revenue: the open day is reloaded, the sealed one left.
        await table.ExecuteAsync($"UPDATE {{table}} SET metric_value = metric_value + 1 WHERE date = '{Days[1]}' AND metric_name = 'revenue' AND unit_id = 'u1'");
        await table.ExecuteAsync($"UPDATE {{table}} SET metric_value = metric_value * 1.01 WHERE date = '{Days[0]}' AND metric_name = 'revenue'");
        var small = await server.Imports.RunToEndAsync(key, "restating", Days[0], Days[1]);
        Assert.Equal((1, 5, 0), (small.DaysLoaded, small.DaysUnchanged, small.DaysRestated));
        var figures = await table.FiguresAsync();
        var reloaded = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Days[1] }, key);
        Figuring.AssertMatches(figures[("revenue", Days[1])], reloaded.Overall, "reloaded open day"); // replaced, never added on top
        Assert.Equal(sealedRevenue.Overall, (await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Days[0] }, key)).Overall);

        // Now by 10 % more: restated to version 2; version 1 stays readable; WatchReadiness says so.
        await table.ExecuteAsync($"UPDATE {{table}} SET metric_value = metric_value * 1.1 WHERE date = '{Days[0]}' AND metric_name = 'revenue'");
        var large = await server.Imports.RunToEndAsync(key, "restating", Days[0], Days[1]);
        Assert.Equal((0, 5, 1), (large.DaysLoaded, large.DaysUnchanged, large.DaysRestated));
        figures = await table.FiguresAsync();
        var restated = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Days[0] }, key);
        Assert.Equal((DayStatus.Finalized, 2), (restated.Status, restated.Version));
        Assert.NotNull(restated.RestatedAt);
        Assert.Equal(sealedRevenue.FinalizedAt, restated.FinalizedAt);
        Figuring.AssertMatches(figures[("revenue", Days[0])], restated.Overall, "restated day");
        var versions = await server.Metrics.ListMetricDayVersionsAsync(new ListMetricDayVersionsRequest { MetricName = "revenue", Date = Days[0] }, key);
        Assert.Equal([1, 2], versions.Versions.Select(v => v.Version));
        Assert.Equal(sealedRevenue.Overall, versions.Versions[0].Overall);
        Assert.Equal(restated.Overall, versions.Versions[1].Overall);
        Assert.Equal("seal", versions.Versions[0].Cause);
        Assert.StartsWith("import:restating", versions.Versions[1].Cause);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        var announced = watch.ResponseStream.Current;
        Assert.Equal((true, 2, "revenue", Days[0]), (announced.Restated, announced.Version, announced.MetricName, announced.Date));
        var exported = new List<UnitValue>();
        using var export = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = "revenue", Date = Days[0] }, key);
        await foreach (var unit in export.ResponseStream.ReadAllAsync(timeout.Token))
            exported.Add(unit);
        Assert.Equal(restated.Overall.Sum, exported.Sum(u => u.Value), 6);
    }

    [Fact]
    public async Task ADayWithARejectedNaNRowIsStillReloadedWhenItsRowsChange()
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        await using var database = server.OpenDatabase();
        var table = await WarehouseTable.CreateAsync(database, $"metrics_{project.Name}",
            [new("u1", "user_id", Days[0], "revenue", 10, null, null), new("u2", "user_id", Days[0], "revenue", double.NaN, null, null), new("u3", "user_id", Days[0], "revenue", 1, null, null)]);
        await server.Imports.CreateAsync(key, "nan", "warehouse", Query(table), i => i.MaxRejectedRows = 2);
        async Task<double> RunAsync(int loaded, long rejected)
        {
            var run = await server.Imports.RunToEndAsync(key, "nan", Days[0], Days[0]);
            Assert.True(run.Status == ImportRunStatus.Succeeded, run.Message);
            Assert.Equal((loaded, 1 - loaded, rejected), (run.DaysLoaded, run.DaysUnchanged, run.RowsRejected));
            return (await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Days[0] }, key)).Overall.Sum;
        }

        Assert.Equal(11, await RunAsync(loaded: 1, rejected: 1));
        Assert.Equal(11, await RunAsync(loaded: 0, rejected: 0));
        await table.ExecuteAsync("UPDATE {table} SET metric_value = 20 WHERE unit_id = 'u1'"); // a valid row beside the NaN one
        Assert.Equal(21, await RunAsync(loaded: 1, rejected: 1));
        await table.ExecuteAsync("UPDATE {table} SET metric_value = 5 WHERE unit_id = 'u2'"); // the NaN row turns valid
        Assert.Equal(26, await RunAsync(loaded: 1, rejected: 0));
        await table.ExecuteAsync("UPDATE {table} SET metric_value = 'Infinity' WHERE unit_id = 'u3'"); // a valid row turns invalid
        Assert.Equal(25, await RunAsync(loaded: 1, rejected: 1));
    }

    [Fact]
    public async Task TheSignalQuerySealsTheDaysUpToItsFinishedDate()
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        await using var database = server.OpenDatabase();
        var table = await WarehouseTable.CreateAsync(database, $"metrics_{project.Name}", ImportRow.Sample(seed: 3, Days, units: 20));
        var signal = $"signal_{project.Name}";
        await table.ExecuteAsync($"CREATE TABLE {signal} (finished_date date); INSERT INTO {signal} VALUES ('{Days[0]}'), ('{Days[1]}')");
        await server.Imports.CreateAsync(key, "signalled", "warehouse", Query(table), i => i.SignalQuery = $"SELECT finished_date FROM {signal}");

        var run = await server.Imports.RunToEndAsync(key, "signalled", Days[0], Days[^1]);

        Assert.Equal(ImportRunStatus.Succeeded, run.Status);
        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), key);
        Assert.Equal(PacificTime.EndOf(Days[1]), readiness.Watermark);
        Assert.Equal(Days[1], readiness.LastFinalizedDate);
        Assert.Equal([Days[2]], readiness.OpenDates);
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Days[1] }, key);
        Assert.Equal(DayStatus.Finalized, day.Status);
    }

    [Fact]
    public async Task AnImportedMetricRefusesLogCustomMetricNamingTheImportUntilTheImportIsDeleted()
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        await using var database = server.OpenDatabase();
        var table = await WarehouseTable.CreateAsync(database, $"metrics_{project.Name}", ImportRow.Sample(seed: 4, Days[..1], units: 10));
        await server.Imports.CreateAsync(key, "owner", "warehouse", Query(table));
        await server.Imports.RunToEndAsync(key, "owner", Days[0], Days[0]);
        var request = new LogCustomMetricRequest
        {
            Metrics = { new MetricRecord { UserId = "api-user", IdType = "user_id", MetricName = "revenue", MetricValue = 1, Date = Days[0] } },
        };
        var ingestKey = project.IngestHeaders;

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(request, ingestKey).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("import \"owner\"", refused.Status.Detail);
        await server.Imports.CreateAsync(key, "second", "warehouse", Query(table));
        var second = await server.Imports.RunToEndAsync(key, "second", Days[0], Days[0]);
        Assert.Equal(ImportRunStatus.Failed, second.Status);
        Assert.Contains("owned by import \"owner\"", second.Message);

        await server.Imports.DeleteImportAsync(new DeleteImportRequest { ImportId = "owner" }, key);
        Assert.True((await server.Ingest.LogCustomMetricAsync(request, ingestKey)).Success);
        var kept = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Days[0] }, key);
        Assert.Equal(11, kept.Overall.UnitCount); // the import's ten units stay, with the API's one
        var gone = await Assert.ThrowsAsync<RpcException>(() => server.Imports.GetImportAsync(new GetImportRequest { ImportId = "owner" }, key).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }
}
