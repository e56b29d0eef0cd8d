using System.Globalization;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.Infrastructure.Ingesting;

namespace Metrics.Server.Tests;

/// <summary>
/// SPEC §2 MetricsService and §3 "Grains" / "Watermark": per-unit sums, sample variance, VALUE vs RATIO, test
/// records kept apart, the per-ID-type split, OPEN vs FINALIZED, the export of finalized days and the catalog.
/// </summary>
public sealed class AggregateTests
{
    private const string Day = "2026-05-10";
    private const double Tolerance = 1e-9;

    private static MetricRecord Value(string user, string metric, double value, string idType = "user_id", string date = Day) =>
        new() { UserId = user, IdType = idType, MetricName = metric, MetricValue = value, Date = date };

    private static MetricRecord Ratio(string user, string metric, double numerator, double denominator, string idType = "user_id", string date = Day) =>
        new() { UserId = user, IdType = idType, MetricName = metric, Numerator = numerator, Denominator = denominator, Date = date };

    [Fact]
    public async Task SameUnitAddsUpAcrossCalls()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        await IngestAsync(server, project, false, Value("u1", "revenue", 2.5));
        await IngestAsync(server, project, false, Value("u1", "revenue", 4));

        var day = await GetDayAsync(server, project, "revenue");
        Assert.Equal(1, day.Overall.UnitCount);
        Assert.Equal(2, day.Overall.RowCount);
        Assert.Equal(6.5, day.Overall.Sum, Tolerance);
        Assert.Equal(6.5, day.Overall.Mean, Tolerance);
        Assert.Equal(0.0, day.Overall.Variance, Tolerance);
    }

    [Fact]
    public async Task VarianceIsTheSampleVarianceOfPerUnitValues()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        // Per-unit values: u1 = 1 + 3 = 4, u2 = 6, u3 = 11 (two calls, rows of a unit add up first).
        await IngestAsync(server, project, false, Value("u1", "spend", 1), Value("u2", "spend", 6), Value("u3", "spend", 5));
        await IngestAsync(server, project, false, Value("u1", "spend", 3), Value("u3", "spend", 6));

        var day = await GetDayAsync(server, project, "spend");
        Assert.Equal(3, day.Overall.UnitCount);
        Assert.Equal(5, day.Overall.RowCount);
        Assert.Equal(21.0, day.Overall.Sum, Tolerance);
        Assert.Equal(7.0, day.Overall.Mean, Tolerance);
        // ((4-7)^2 + (6-7)^2 + (11-7)^2) / (3 - 1) = 26 / 2; the population variance would be 26 / 3, the row variance differs too.
        Assert.Equal(13.0, day.Overall.Variance, Tolerance);
    }

    [Fact]
    public async Task VarianceOfASingleUnitIsZeroAndOfTwoUnitsIsExact()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        await IngestAsync(server, project, false, Value("u1", "one_unit", 10), Value("a", "two_units", 0.5), Value("b", "two_units", 2.5));

        Assert.Equal(0.0, (await GetDayAsync(server, project, "one_unit")).Overall.Variance, Tolerance);
        var two = await GetDayAsync(server, project, "two_units");
        Assert.Equal(1.5, two.Overall.Mean, Tolerance);
        Assert.Equal(2.0, two.Overall.Variance, Tolerance);
    }

    [Fact]
    public async Task RatioMetricSumsNumeratorsAndDenominatorsSeparately()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        await IngestAsync(server, project, false, Ratio("u1", "ctr", 3, 15), Ratio("u2", "ctr", 2, 5));
        await IngestAsync(server, project, false, Ratio("u2", "ctr", 1, 5));

        var day = await GetDayAsync(server, project, "ctr");
        Assert.Equal(MetricKind.Ratio, day.Kind);
        Assert.Equal(2, day.Overall.UnitCount);
        Assert.Equal(3, day.Overall.RowCount);
        Assert.Equal(6.0, day.Overall.NumeratorSum, Tolerance);
        Assert.Equal(25.0, day.Overall.DenominatorSum, Tolerance);
        Assert.Equal(0.24, day.Overall.Ratio, Tolerance);
    }

    [Fact]
    public async Task ByIdTypeSplitsRatioParts()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        await IngestAsync(server, project, false, Ratio("u1", "conv", 1, 4), Ratio("u2", "conv", 1, 4), Ratio("s1", "conv", 3, 6, "stable_id"));

        var day = await GetDayAsync(server, project, "conv");
        Assert.Equal(5.0 / 14.0, day.Overall.Ratio, Tolerance);
        var user = Assert.Single(day.ByIdType, a => a.IdType == "user_id");
        Assert.Equal(2.0, user.NumeratorSum, Tolerance);
        Assert.Equal(8.0, user.DenominatorSum, Tolerance);
        Assert.Equal(0.25, user.Ratio, Tolerance);
        var stable = Assert.Single(day.ByIdType, a => a.IdType == "stable_id");
        Assert.Equal(1, stable.UnitCount);
        Assert.Equal(0.5, stable.Ratio, Tolerance);
    }

    [Fact]
    public async Task OneRatioRecordMakesTheMetricRatio()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        await IngestAsync(server, project, false, Value("u1", "mixed", 1), Value("u2", "plain", 1));
        Assert.Equal(MetricKind.Value, (await GetDayAsync(server, project, "mixed")).Kind);
        await IngestAsync(server, project, false, Ratio("u3", "mixed", 1, 2));

        var mixed = await GetDayAsync(server, project, "mixed");
        Assert.Equal(MetricKind.Ratio, mixed.Kind);
        Assert.Equal(1.0, mixed.Overall.NumeratorSum, Tolerance);
        Assert.Equal(2.0, mixed.Overall.DenominatorSum, Tolerance);
        Assert.Equal(0.5, mixed.Overall.Ratio, Tolerance);
        var plain = await GetDayAsync(server, project, "plain");
        Assert.Equal(MetricKind.Value, plain.Kind);
        Assert.Equal(0.0, plain.Overall.NumeratorSum);
        Assert.Equal(0.0, plain.Overall.DenominatorSum);
    }

    [Fact]
    public async Task TestRecordsAreKeptApart()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        await IngestAsync(server, project, false, Value("u1", "purchases", 5));
        await IngestAsync(server, project, true, Value("u1", "purchases", 1), Value("t1", "purchases", 100));

        var production = await GetDayAsync(server, project, "purchases");
        Assert.Equal(1, production.Overall.UnitCount);
        Assert.Equal(1, production.Overall.RowCount);
        Assert.Equal(5.0, production.Overall.Sum, Tolerance);
        var withTest = await GetDayAsync(server, project, "purchases", includeTest: true);
        Assert.Equal(2, withTest.Overall.UnitCount);
        Assert.Equal(3, withTest.Overall.RowCount);
        Assert.Equal(106.0, withTest.Overall.Sum, Tolerance);
    }

    /// <summary>Test records never count in production: a day holding only them has no production data at all.</summary>
    [Fact]
    public async Task ADayOfOnlyTestRecordsIsNotFoundInProductionAndInExport()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, true, Value("t1", "tests_only", 3));

        var production = await Assert.ThrowsAsync<RpcException>(() => GetDayAsync(server, project, "tests_only"));
        Assert.Equal(StatusCode.NotFound, production.StatusCode);
        Assert.Equal(3.0, (await GetDayAsync(server, project, "tests_only", includeTest: true)).Overall.Sum, Tolerance);
        var openExport = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(server, project, "tests_only"));
        Assert.Equal(StatusCode.NotFound, openExport.StatusCode);

        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, ProjectKeys.Headers(project.ServerSecret));
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => GetDayAsync(server, project, "tests_only"))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => ExportAsync(server, project, "tests_only"))).StatusCode);
        Assert.Equal(DayStatus.Finalized, (await GetDayAsync(server, project, "tests_only", includeTest: true)).Status);
    }

    [Fact]
    public async Task TestRatioRecordsDoNotMakeAProductionMetricRatio()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        await IngestAsync(server, project, false, Value("u1", "views", 5));
        await IngestAsync(server, project, true, Ratio("t1", "views", 1, 2));

        var production = await GetDayAsync(server, project, "views");
        Assert.Equal(MetricKind.Value, production.Kind);
        Assert.Equal(0.0, production.Overall.NumeratorSum);
        var withTest = await GetDayAsync(server, project, "views", includeTest: true);
        Assert.Equal(MetricKind.Ratio, withTest.Kind);
        Assert.Equal(1.0, withTest.Overall.NumeratorSum, Tolerance);
    }

    [Fact]
    public async Task ByIdTypeSplitsUserIdAndStableId()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        // "same" is one unit as a user_id and another as a stable_id.
        await IngestAsync(server, project, false,
            Value("same", "sessions", 1), Value("u2", "sessions", 3),
            Value("same", "sessions", 10, "stable_id"), Value("s2", "sessions", 20, "stable_id"), Value("s2", "sessions", 30, "stable_id"));

        var day = await GetDayAsync(server, project, "sessions");
        Assert.Equal("", day.Overall.IdType);
        Assert.Equal(4, day.Overall.UnitCount);
        Assert.Equal(5, day.Overall.RowCount);
        Assert.Equal(64.0, day.Overall.Sum, Tolerance);
        Assert.Equal(2, day.ByIdType.Count);
        var user = Assert.Single(day.ByIdType, a => a.IdType == "user_id");
        Assert.Equal(2, user.UnitCount);
        Assert.Equal(2, user.RowCount);
        Assert.Equal(4.0, user.Sum, Tolerance);
        Assert.Equal(2.0, user.Mean, Tolerance);
        Assert.Equal(2.0, user.Variance, Tolerance);
        var stable = Assert.Single(day.ByIdType, a => a.IdType == "stable_id");
        Assert.Equal(2, stable.UnitCount);
        Assert.Equal(3, stable.RowCount);
        Assert.Equal(60.0, stable.Sum, Tolerance);
        Assert.Equal(30.0, stable.Mean, Tolerance);
        Assert.Equal(800.0, stable.Variance, Tolerance); // values 10 and 50
    }

    [Fact]
    public async Task OpenDayIsProvisionalUntilMarkDataReadyFinalizesIt()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await IngestAsync(server, project, false, Value("u1", "orders", 2), Value("u2", "orders", 4));

        var open = await GetDayAsync(server, project, "orders");
        Assert.Equal("orders", open.MetricName);
        Assert.Equal(Day, open.Date);
        Assert.Equal(DayStatus.Open, open.Status);
        Assert.Equal(MetricKind.Value, open.Kind);
        Assert.Null(open.FinalizedAt);
        Assert.NotNull(open.LastIngestedAt);
        Assert.True(open.LastIngestedAt.ToDateTimeOffset() >= before);
        Assert.Equal(6.0, open.Overall.Sum, Tolerance);
        // Still open: more data changes the provisional values.
        await IngestAsync(server, project, false, Value("u3", "orders", 6));
        var stillOpen = await GetDayAsync(server, project, "orders");
        Assert.Equal(DayStatus.Open, stillOpen.Status);
        Assert.Equal(3, stillOpen.Overall.UnitCount);
        Assert.Equal(12.0, stillOpen.Overall.Sum, Tolerance);

        // A watermark one second short of the day's end does not seal it.
        var end = PacificTime.EndOf(Day);
        var early = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = end - 1 }, ProjectKeys.Headers(project.ServerSecret));
        Assert.DoesNotContain(Day, early.FinalizedDates);
        Assert.Equal(DayStatus.Open, (await GetDayAsync(server, project, "orders")).Status);

        var sealing = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = end }, ProjectKeys.Headers(project.ServerSecret));
        Assert.True(sealing.Success);
        Assert.Equal([Day], sealing.FinalizedDates);
        var finalized = await GetDayAsync(server, project, "orders");
        Assert.Equal(DayStatus.Finalized, finalized.Status);
        Assert.NotNull(finalized.FinalizedAt);
        Assert.True(finalized.FinalizedAt.ToDateTimeOffset() >= before);
        Assert.True(finalized.FinalizedAt.ToDateTimeOffset() <= DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal(3, finalized.Overall.UnitCount);
        Assert.Equal(12.0, finalized.Overall.Sum, Tolerance);
        Assert.Equal(4.0, finalized.Overall.Mean, Tolerance);
        Assert.Equal(4.0, finalized.Overall.Variance, Tolerance);

        // A late write is refused and the finalized aggregate does not change.
        var late = await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest { Metrics = { Value("u4", "orders", 100) } }, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        Assert.Contains(Day, late.Status.Detail);
        var after = await GetDayAsync(server, project, "orders");
        Assert.Equal(12.0, after.Overall.Sum, Tolerance);
        Assert.Equal(finalized.FinalizedAt, after.FinalizedAt);
    }

    [Fact]
    public async Task ExportOfAnOpenDayIsFailedPrecondition()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, false, Value("u1", "opened", 1));

        var ex = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(server, project, "opened"));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
    }

    [Fact]
    public async Task ExportOfADayWithoutDataIsNotFound()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, false, Value("u1", "other", 1));
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, ProjectKeys.Headers(project.ServerSecret));

        var ex = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(server, project, "never_ingested"));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task ExportOfAFinalizedDayMatchesTheAggregate()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        const string metric = "basket";
        await IngestAsync(server, project, false,
            Value("u1", metric, 2), Value("u2", metric, 5), Ratio("s1", metric, 1, 4, "stable_id"), Value("s2", metric, 7.5, "stable_id"));
        await IngestAsync(server, project, false, Value("u1", metric, 3), Ratio("s1", metric, 2, 6, "stable_id"));
        await IngestAsync(server, project, true, Value("t-only", metric, 1000), Value("u1", metric, 500), Ratio("t-ratio", metric, 9, 9));
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, ProjectKeys.Headers(project.ServerSecret));

        var units = await ExportAsync(server, project, metric);
        var aggregate = (await GetDayAsync(server, project, metric)).Overall;

        Assert.Equal(aggregate.UnitCount, units.Count);
        Assert.Equal(aggregate.Sum, units.Sum(u => u.Value), Tolerance);
        Assert.Equal(aggregate.NumeratorSum, units.Sum(u => u.Numerator), Tolerance);
        Assert.Equal(aggregate.DenominatorSum, units.Sum(u => u.Denominator), Tolerance);
        Assert.Equal(aggregate.RowCount, units.Sum(u => u.RowCount));
        // The production numbers themselves, so that a wrong aggregate cannot hide behind a matching export.
        Assert.Equal(4, units.Count);
        Assert.Equal(6, aggregate.RowCount);
        Assert.Equal(17.5, aggregate.Sum, Tolerance);
        Assert.Equal(3.0, aggregate.NumeratorSum, Tolerance);
        Assert.Equal(10.0, aggregate.DenominatorSum, Tolerance);
        Assert.DoesNotContain(units, u => u.UserId is "t-only" or "t-ratio");
        var u1 = Assert.Single(units, u => u.UserId == "u1");
        Assert.Equal("user_id", u1.IdType);
        Assert.Equal(5.0, u1.Value, Tolerance);
        Assert.Equal(2, u1.RowCount);
        var s1 = Assert.Single(units, u => u.UserId == "s1");
        Assert.Equal("stable_id", s1.IdType);
        Assert.Equal(3.0, s1.Numerator, Tolerance);
        Assert.Equal(10.0, s1.Denominator, Tolerance);
        Assert.Equal(2, s1.RowCount);
        Assert.Equal(new[] { ("stable_id", "s1"), ("stable_id", "s2"), ("user_id", "u1"), ("user_id", "u2") },
            units.Select(u => (u.IdType, u.UserId)).Order().ToArray());
    }

    /// <summary>README "Test records": they never count in the catalog — neither a metric of test records only, nor a test record's day or ID type.</summary>
    [Fact]
    public async Task TestRecordsStayOutOfTheCatalog()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var secret = ProjectKeys.Headers(project.ServerSecret);

        await IngestAsync(server, project, true, Value("t1", "test_only", 1, date: "2026-05-09"));
        await IngestAsync(server, project, false, Value("u1", "mixed", 1, date: "2026-05-09"));
        await IngestAsync(server, project, true, Value("s1", "mixed", 1, "stable_id", "2026-05-02"), Value("s2", "mixed", 1, "stable_id", "2026-05-10"));

        var metric = Assert.Single((await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), secret)).Metrics);
        Assert.Equal("mixed", metric.MetricName);
        Assert.Equal(["user_id"], metric.IdTypes);
        Assert.Equal("2026-05-09", metric.FirstDate);
        Assert.Equal("2026-05-09", metric.LastDate);
    }

    [Fact]
    public async Task ListMetricsShowsNameKindIdTypesAndDateRange()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var secret = ProjectKeys.Headers(project.ServerSecret);
        Assert.Empty((await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), secret)).Metrics);

        await IngestAsync(server, project, false, Value("u1", "alpha", 1, date: "2026-05-08"));
        await IngestAsync(server, project, false, Value("s1", "alpha", 1, "stable_id", "2026-05-10"), Value("u1", "alpha", 1, date: "2026-05-09"));
        await IngestAsync(server, project, false, Ratio("u1", "beta", 1, 2, date: "2026-05-09"));

        var metrics = (await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), secret)).Metrics;
        Assert.Equal(["alpha", "beta"], metrics.Select(m => m.MetricName).Order());
        var alpha = metrics.Single(m => m.MetricName == "alpha");
        Assert.Equal(MetricKind.Value, alpha.Kind);
        Assert.Equal(["stable_id", "user_id"], alpha.IdTypes.Order());
        Assert.Equal("2026-05-08", alpha.FirstDate);
        Assert.Equal("2026-05-10", alpha.LastDate);
        var beta = metrics.Single(m => m.MetricName == "beta");
        Assert.Equal(MetricKind.Ratio, beta.Kind);
        Assert.Equal(["user_id"], beta.IdTypes);
        Assert.Equal("2026-05-09", beta.FirstDate);
        Assert.Equal("2026-05-09", beta.LastDate);

        // A later ratio record turns alpha into a RATIO metric and widens its range.
        await IngestAsync(server, project, false, Ratio("u9", "alpha", 1, 1, date: "2026-05-01"));
        alpha = (await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), secret)).Metrics.Single(m => m.MetricName == "alpha");
        Assert.Equal(MetricKind.Ratio, alpha.Kind);
        Assert.Equal("2026-05-01", alpha.FirstDate);
        Assert.Equal("2026-05-10", alpha.LastDate);
    }

    [Fact]
    public async Task GetMetricDayOverJson()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, false, Value("u1", "json_metric", 1), Value("u2", "json_metric", 5), Value("s1", "json_metric", 3, "stable_id"));
        await IngestAsync(server, project, true, Value("t1", "json_metric", 100));

        using var response = await GetJsonAsync(server, project, "v1/metrics/json_metric/days/2026-05-10");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        var root = body.RootElement;
        Assert.Equal("json_metric", root.GetProperty("metricName").GetString());
        Assert.Equal(Day, root.GetProperty("date").GetString());
        Assert.Equal("OPEN", root.GetProperty("status").GetString());
        Assert.Equal("VALUE", root.GetProperty("kind").GetString());
        var overall = root.GetProperty("overall");
        Assert.Equal(3, Int64(overall.GetProperty("unitCount")));
        Assert.Equal(3, Int64(overall.GetProperty("rowCount")));
        Assert.Equal(9.0, overall.GetProperty("sum").GetDouble(), Tolerance);
        Assert.Equal(3.0, overall.GetProperty("mean").GetDouble(), Tolerance);
        Assert.Equal(4.0, overall.GetProperty("variance").GetDouble(), Tolerance);
        var byIdType = root.GetProperty("byIdType").EnumerateArray().ToList();
        Assert.Equal(["stable_id", "user_id"], byIdType.Select(a => a.GetProperty("idType").GetString()).Order());
        Assert.False(root.TryGetProperty("finalizedAt", out _));

        using var withTest = await GetJsonAsync(server, project, "v1/metrics/json_metric/days/2026-05-10?include_test=true");
        var withTestText = await withTest.Content.ReadAsStringAsync();
        Assert.True(withTest.StatusCode == HttpStatusCode.OK, $"HTTP {(int)withTest.StatusCode}: {withTestText}");
        using var withTestBody = JsonDocument.Parse(withTestText);
        Assert.Equal(4, Int64(withTestBody.RootElement.GetProperty("overall").GetProperty("unitCount")));

        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, ProjectKeys.Headers(project.ServerSecret));
        using var finalized = await GetJsonAsync(server, project, "v1/metrics/json_metric/days/2026-05-10");
        using var finalizedBody = JsonDocument.Parse(await finalized.Content.ReadAsStringAsync());
        Assert.Equal("FINALIZED", finalizedBody.RootElement.GetProperty("status").GetString());
        Assert.True(finalizedBody.RootElement.TryGetProperty("finalizedAt", out var finalizedAt));
        Assert.True(DateTimeOffset.TryParse(finalizedAt.GetString(), CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task GetMetricDayWithoutDataIsNotFound()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, false, Value("u1", "present", 1));

        var ex = await Assert.ThrowsAsync<RpcException>(() => GetDayAsync(server, project, "present", "2026-05-09"));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        ex = await Assert.ThrowsAsync<RpcException>(() => GetDayAsync(server, project, "absent"));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        using var response = await GetJsonAsync(server, project, "v1/metrics/absent/days/2026-05-10");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static long Int64(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? long.Parse(element.GetString()!, CultureInfo.InvariantCulture) : element.GetInt64();

    private static async Task<HttpResponseMessage> GetJsonAsync(SharedServer server, ProjectKeys project, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("statsig-api-key", project.ServerSecret);
        return await server.Http.SendAsync(request);
    }

    private static async Task<MetricDay> GetDayAsync(SharedServer server, ProjectKeys project, string metric, string date = Day, bool includeTest = false) =>
        await server.Metrics.GetMetricDayAsync(
            new GetMetricDayRequest { MetricName = metric, Date = date, IncludeTest = includeTest }, ProjectKeys.Headers(project.ServerSecret));

    private static async Task<List<UnitValue>> ExportAsync(SharedServer server, ProjectKeys project, string metric)
    {
        using var call = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = metric, Date = Day }, ProjectKeys.Headers(project.ServerSecret));
        var units = new List<UnitValue>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
            units.Add(call.ResponseStream.Current);
        return units;
    }
}
