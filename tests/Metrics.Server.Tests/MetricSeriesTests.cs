using System.Net;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.Infrastructure.Ingesting;

namespace Metrics.Server.Tests;

/// <summary>
/// GetMetricSeries (SPEC §6): the MetricDay of every day with data in a range of at most 400 days, oldest first,
/// each the same as GetMetricDay answers for that day.
/// </summary>
public sealed class MetricSeriesTests
{
    private static readonly string[] Days = ["2026-06-01", "2026-06-02", "2026-06-04"];

    [Fact]
    public async Task ASeriesHoldsEveryDayWithDataAsGetMetricDayAnswersIt()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var secret = ProjectKeys.Headers(project.ServerSecret);
        await IngestAsync(server, project,
            Record("u1", "spend", 2, Days[0]), Record("u2", "spend", 5, Days[0]),
            Record("u1", "spend", 7, Days[1]), Record("s1", "spend", 1, Days[1], idType: "stable_id"),
            Record("u3", "spend", 11, Days[2]));
        await IngestAsync(server, project, isTest: true, Record("t1", "spend", 100, Days[2]));
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Days[1]) }, secret);

        var series = await server.Metrics.GetMetricSeriesAsync(new GetMetricSeriesRequest { MetricName = "spend", From = "2026-05-20", To = "2026-06-30" }, secret);

        Assert.Equal(Days, series.Days.Select(d => d.Date));
        foreach (var day in series.Days)
            Assert.Equal(await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "spend", Date = day.Date }, secret), day);
        Assert.Equal([DayStatus.Finalized, DayStatus.Finalized, DayStatus.Open], series.Days.Select(d => d.Status));
        Assert.Equal(11, series.Days[2].Overall.Sum);

        var withTest = await server.Metrics.GetMetricSeriesAsync(new GetMetricSeriesRequest { MetricName = "spend", From = Days[2], To = Days[2], IncludeTest = true }, secret);
        Assert.Equal(111, Assert.Single(withTest.Days).Overall.Sum);

        var none = await server.Metrics.GetMetricSeriesAsync(new GetMetricSeriesRequest { MetricName = "spend", From = "2026-07-01", To = "2026-07-31" }, secret);
        Assert.Empty(none.Days);
    }

    [Theory]
    [InlineData("", "2026-06-01", "2026-06-02", "metric_name")]
    [InlineData("spend", "June 1st", "2026-06-02", "from")]
    [InlineData("spend", "2026-06-01", "", "to")]
    [InlineData("spend", "2026-06-02", "2026-06-01", "to")]
    [InlineData("spend", "2025-01-01", "2026-02-05", "to")] // 401 days
    public async Task ABadRangeIsInvalidArgumentOnItsField(string metric, string from, string to, string field)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Metrics.GetMetricSeriesAsync(
            new GetMetricSeriesRequest { MetricName = metric, From = from, To = to }, ProjectKeys.Headers(project.ServerSecret)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task FourHundredDaysAreReadAndAnUnknownMetricIsNotFound()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var secret = ProjectKeys.Headers(project.ServerSecret);
        await IngestAsync(server, project, Record("u1", "visits", 1, "2025-01-01"), Record("u1", "visits", 3, "2026-02-04"));

        var series = await server.Metrics.GetMetricSeriesAsync(new GetMetricSeriesRequest { MetricName = "visits", From = "2025-01-01", To = "2026-02-04" }, secret);
        Assert.Equal(["2025-01-01", "2026-02-04"], series.Days.Select(d => d.Date));

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Metrics.GetMetricSeriesAsync(
            new GetMetricSeriesRequest { MetricName = "no_such_metric", From = "2025-01-01", To = "2025-01-02" }, secret).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task JsonReadsTheSeriesThroughQueryParameters()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, Record("u1", "clicks", 4, Days[0]), Record("u2", "clicks", 6, Days[2]));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/metrics/clicks/days?from={Days[0]}&to={Days[2]}");
        request.Headers.Add("statsig-api-key", project.ServerSecret);
        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var days = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal([Days[0], Days[2]], days.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([4.0, 6.0], days.Select(d => d.GetProperty("overall").GetProperty("sum").GetDouble()));
    }
}
