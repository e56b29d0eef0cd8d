using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.Imports;

/// <summary>
/// A bad source fails the run with a message that says what is wrong (the column missing and those found, the
/// type, the unreachable server, the query's error, the rows with their numbers) and applies nothing it should not.
/// </summary>
[Collection(ImportCollection.Name)]
public sealed class BadSourceTests(ImportServer server)
{
    private const string Day = "2026-02-21";

    private async Task<(ImportRun Run, Grpc.Core.Metadata Key)> RunAsync(string source, Func<string, string> query, Action<Import>? configure = null, int units = 5)
    {
        var project = server.NewProject();
        var key = project.SecretHeaders;
        await using var database = server.OpenDatabase();
        var table = await WarehouseTable.CreateAsync(database, $"bad_{project.Name}", ImportRow.Sample(seed: 21, [Day], units));
        await server.Imports.CreateAsync(key, "bad", source, query(table.Name), configure);
        return (await server.Imports.RunToEndAsync(key, "bad", Day, Day), key);
    }

    private async Task AssertNothingAppliedAsync(ImportRun run, Grpc.Core.Metadata key)
    {
        Assert.Equal(ImportRunStatus.Failed, run.Status);
        Assert.Equal(0, run.RowsApplied);
        Assert.Empty((await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), key)).Metrics);
    }

    [Fact]
    public async Task AMissingColumnIsNamedWithTheColumnsFound()
    {
        var (run, key) = await RunAsync("warehouse", t => $"SELECT unit_id, id_type, date, metric_value FROM {t}");
        await AssertNothingAppliedAsync(run, key);
        Assert.Contains("metric_name", run.Message);
        Assert.Contains("unit_id, id_type, date, metric_value", run.Message);
    }

    [Fact]
    public async Task AColumnOfTheWrongTypeIsNamed()
    {
        var (run, key) = await RunAsync("warehouse", t => $"SELECT unit_id, id_type, date, metric_name, metric_value::text AS metric_value FROM {t}");
        await AssertNothingAppliedAsync(run, key);
        Assert.Contains("metric_value", run.Message);
        Assert.Contains("text", run.Message);
    }

    [Fact]
    public async Task AQueryErrorSaysWhatPostgreSqlSaid()
    {
        var (run, key) = await RunAsync("warehouse", _ => "SELECT * FROM no_such_table");
        await AssertNothingAppliedAsync(run, key);
        Assert.Contains("no_such_table", run.Message);
        Assert.DoesNotContain("Exception", run.Message);
    }

    [Fact]
    public async Task AnUnreachableServerFailsTheRunSayingSo()
    {
        var (run, key) = await RunAsync("down", t => $"SELECT * FROM {t}");
        await AssertNothingAppliedAsync(run, key);
        Assert.Contains("could not be reached", run.Message);
        Assert.DoesNotContain("Exception", run.Message);
    }

    [Fact]
    public async Task InvalidRowsOverTheLimitRefuseTheDayNamingTheFirstBadRows()
    {
        var (run, key) = await RunAsync("warehouse",
            t => $"SELECT unit_id, CASE WHEN unit_id IN ('u1', 'u3') THEN 'userID' ELSE id_type END AS id_type, date, metric_name, metric_value, numerator, denominator FROM {t} ORDER BY metric_name, unit_id");
        await AssertNothingAppliedAsync(run, key);
        Assert.Contains("max_rejected_rows (0)", run.Message);
        Assert.Contains("id_type", run.Message);
        Assert.All(run.Errors, e => Assert.True(e.Row > 0 && e.Column == "id_type" && e.Date == Day, e.ToString()));
    }

    [Fact]
    public async Task InvalidRowsWithinTheLimitAreSkippedReportedAndShownAsRejected()
    {
        var (run, key) = await RunAsync("warehouse",
            t => $"SELECT unit_id, CASE WHEN unit_id = 'u1' AND metric_name = 'revenue' THEN 'userID' ELSE id_type END AS id_type, date, metric_name, metric_value, numerator, denominator FROM {t} ORDER BY metric_name, unit_id, metric_value",
            i => i.MaxRejectedRows = 5);

        Assert.Equal(ImportRunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.RowsRejected);
        Assert.Equal(run.RowsRead - 1, run.RowsApplied);
        var error = Assert.Single(run.Errors);
        Assert.Equal(("id_type", Day), (error.Column, error.Date));
        Assert.Contains("user_id", error.Reason); // the closest defined ID type
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = server.Logstream.Subscribe(new SubscribeRequest { Backlog = 1000, IncludeRejected = true }, key, cancellationToken: timeout.Token);
        var entries = new List<LogstreamEntry>();
        while (entries.Count < run.RowsRead && await stream.ResponseStream.MoveNext(timeout.Token))
            entries.Add(stream.ResponseStream.Current);
        var rejected = Assert.Single(entries, e => e.Status == EntryStatus.Rejected);
        Assert.Equal(("u1", "userID", "import:bad"), (rejected.UserId, rejected.IdType, rejected.Source));
        Assert.Contains($"row {error.Row}", rejected.Reason);
        Assert.All(entries, e => Assert.Equal("import:bad", e.Source));
    }

    /// <summary>
    /// The sample's values as PostgreSQL numerics, three of which no double holds: revenue NaN (u1) and 1e400 (u2), and a
    /// ctr denominator of -1e400 (u3); u4's revenue rows are 1e-400, a double's 0.
    /// </summary>
    private static string Numerics(string table) => $"""
        SELECT unit_id, id_type, date, metric_name,
               CASE WHEN metric_name <> 'revenue' THEN metric_value::numeric
                    WHEN unit_id = 'u1' THEN 'NaN'::numeric WHEN unit_id = 'u2' THEN 1e400 WHEN unit_id = 'u4' THEN 1e-400
                    ELSE metric_value::numeric END AS metric_value,
               numerator::numeric AS numerator,
               CASE WHEN unit_id = 'u3' AND metric_name = 'ctr' THEN -1e400 ELSE denominator::numeric END AS denominator
        FROM {table} ORDER BY metric_name, unit_id, metric_value
        """;

    [Fact]
    public async Task NumericValuesNoDoubleHoldsAreInvalidRowsSkippedWithinTheLimit()
    {
        var (run, key) = await RunAsync("warehouse", Numerics, i => i.MaxRejectedRows = 3);

        Assert.True(run.Status == ImportRunStatus.Succeeded, run.Message);
        Assert.Equal((3L, run.RowsRead - 3), (run.RowsRejected, run.RowsApplied));
        Assert.Equal(["denominator", "metric_value", "metric_value"], run.Errors.Select(e => e.Column).Order());
        Assert.All(run.Errors, e => Assert.True(e.Row > 0 && e.Date == Day && e.Reason.Contains("finite"), e.ToString()));
        var revenue = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "revenue", Date = Day }, key);
        var kept = ImportRow.Sample(seed: 21, [Day], units: 5).Where(r => r.MetricName == "revenue" && r.UnitId is not ("u1" or "u2" or "u4"));
        Assert.Equal(kept.Sum(r => r.MetricValue!.Value), revenue.Overall.Sum, 9); // u4's 1e-400 counts 0
        Assert.Equal(kept.Count() + 2, revenue.Overall.RowCount);
    }

    [Fact]
    public async Task NumericValuesNoDoubleHoldsBeyondTheLimitRefuseTheDayNamingTheRows()
    {
        var (run, key) = await RunAsync("warehouse", Numerics, i => i.MaxRejectedRows = 2);

        await AssertNothingAppliedAsync(run, key);
        Assert.Contains("max_rejected_rows (2)", run.Message);
        Assert.Contains("metric_value", run.Message);
        Assert.DoesNotContain("internal error", run.Message);
    }
}
