using System.Text.Json;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.Infrastructure.Ingesting;

namespace Metrics.Server.Tests;

/// <summary>
/// The data health checks on MetricDay (a <c>health</c> list, from production records, with the defaults documented):
/// a day-over-day swing of units or sum, one unit holding most of the day, an ID type new to the metric, a share of
/// rejected records; GetMetricSeries carries the same warnings as GetMetricDay.
/// </summary>
public sealed class HealthCheckTests
{
    private const string Before = "2026-07-01";
    private const string Day = "2026-07-02";

    private static MetricRecord[] Units(string metric, int count, string date, double value = 1, string idType = "user_id") =>
        Enumerable.Range(0, count).Select(u => Record($"u{u}", metric, value, date, idType)).ToArray();

    private static async Task<MetricDay> ReadAsync(SharedServer server, ProjectKeys project, string metric, string date = Day) =>
        await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = date }, project.SecretHeaders);

    [Fact]
    public async Task AHealthyDayHasNoWarning()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, [.. Units("steady", 100, Before), .. Units("steady", 110, Day)]);

        Assert.Empty((await ReadAsync(server, project, "steady")).Health);
    }

    [Fact]
    public async Task UnitsAndSumFallingByMoreThanHalfFromTheDayBeforeWarn()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, [.. Units("drop", 100, Before, value: 2), .. Units("drop", 30, Day, value: 2)]);

        var health = (await ReadAsync(server, project, "drop")).Health;

        Assert.Equal([HealthCheckKind.UnitsSwing, HealthCheckKind.SumSwing], health.Select(h => h.Check));
        Assert.Equal(-0.7, health[0].Value, 9);
        Assert.Equal(0.5, health[0].Threshold);
        Assert.Contains("units 100 → 30", health[0].Message);
        Assert.Contains("sum 200 → 60", health[1].Message);
        Assert.Empty((await ReadAsync(server, project, "drop", Before)).Health);
    }

    [Fact]
    public async Task OneUnitHoldingMostOfTheDayWarns()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, [.. Units("whale", 20, Day), Record("big", "whale", 180, Day)]);

        var warning = Assert.Single((await ReadAsync(server, project, "whale")).Health);

        Assert.Equal(HealthCheckKind.UnitConcentration, warning.Check);
        Assert.Equal(0.9, warning.Value, 9);
        Assert.Contains("one unit holds 90 %", warning.Message);
    }

    [Fact]
    public async Task AnIdTypeTheMetricNeverHadBeforeWarnsOnItsFirstDay()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, [.. Units("visits", 50, Before)]);
        await IngestAsync(server, project, [.. Units("visits", 50, Day), Record("s1", "visits", 1, Day, "stable_id")]);

        var warning = Assert.Single((await ReadAsync(server, project, "visits")).Health);

        Assert.Equal(HealthCheckKind.NewIdType, warning.Check);
        Assert.Contains("stable_id", warning.Message);
        Assert.Empty((await ReadAsync(server, project, "visits", Before)).Health);
    }

    [Fact]
    public async Task RejectedProductionRecordsAboveTheShareWarnAndTestOnesDoNot()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, Units("orders", 90, Day));
        await RefuseAsync(server, project, isTest: true, Units("orders", 50, Day, idType: "no_such_id_type"));
        Assert.Empty((await ReadAsync(server, project, "orders")).Health);

        await RefuseAsync(server, project, isTest: false, Units("orders", 10, Day, idType: "no_such_id_type"));

        var warning = Assert.Single((await ReadAsync(server, project, "orders")).Health);
        Assert.Equal(HealthCheckKind.RejectedShare, warning.Check);
        Assert.Equal(0.1, warning.Value, 9);
        Assert.Contains("10 of 100", warning.Message);
    }

    [Fact]
    public async Task RecordsRefusedForASealedDayAreLateNotRejected()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, Units("late", 20, Day));
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, project.SecretHeaders);

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => server.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest { Metrics = { Units("late", 20, Day) } }, project.IngestHeaders).ResponseAsync);

        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Empty((await ReadAsync(server, project, "late")).Health);
    }

    [Fact]
    public async Task ASeriesCarriesEachDaysWarningsAndJsonNamesTheCheck()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await IngestAsync(server, project, [.. Units("signups", 40, "2026-06-30"), .. Units("signups", 100, Before), .. Units("signups", 10, Day)]);

        var series = await server.Metrics.GetMetricSeriesAsync(new GetMetricSeriesRequest { MetricName = "signups", From = Before, To = Day }, project.SecretHeaders);

        foreach (var day in series.Days)
            Assert.Equal((await ReadAsync(server, project, "signups", day.Date)).Health, day.Health);
        Assert.Contains(HealthCheckKind.UnitsSwing, series.Days[0].Health.Select(h => h.Check)); // 40 -> 100, against the day before the range
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/metrics/signups/days/{Day}");
        request.Headers.Add(ProjectKeys.KeyHeader, project.ServerSecret);
        using var response = await server.Http.SendAsync(request);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("health");
        Assert.Equal(["UNITS_SWING", "SUM_SWING"], health.EnumerateArray().Select(h => h.GetProperty("check").GetString()));
    }

    private static async Task RefuseAsync(SharedServer server, ProjectKeys project, bool isTest, MetricRecord[] records)
    {
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => server.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest { IsTest = isTest, Metrics = { records } }, project.IngestHeaders).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
    }
}
