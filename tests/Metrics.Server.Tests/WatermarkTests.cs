using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.Infrastructure.Ingesting;

namespace Metrics.Server.Tests;

/// <summary>MarkDataReady and GetReadiness: the watermark only moves forward, and bad timestamps are refused.</summary>
public sealed class WatermarkTests
{

    [Fact]
    public async Task ForwardMovesTheWatermark()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);

        var first = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = 1_700_000_000, Type = "metrics" }, headers);
        Assert.True(first.Success);
        Assert.Equal(1_700_000_000, first.Watermark);

        // Empty type means "metrics".
        var second = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = 1_700_000_100 }, headers);
        Assert.True(second.Success);
        Assert.Equal(1_700_000_100, second.Watermark);

        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.Equal(1_700_000_100, readiness.Watermark);
    }

    [Fact]
    public async Task EqualTimestampIsASuccessfulNoOp()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        const string date = "2026-04-14";
        await IngestAsync(server, project, Record("u1", "eq_metric", 3, date));

        var end = PacificTime.EndOf(date);
        var sealing = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = end }, headers);
        Assert.Equal(new[] { date }, sealing.FinalizedDates);

        var again = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = end }, headers);
        Assert.True(again.Success);
        Assert.Equal(end, again.Watermark);
        Assert.Empty(again.FinalizedDates);

        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.Equal(end, readiness.Watermark);
        Assert.Equal(date, readiness.LastFinalizedDate);
    }

    [Fact]
    public async Task BackwardIsFailedPreconditionNamingTheCurrentWatermark()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        const long current = 1_750_000_000;
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = current }, headers);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = current - 1 }, headers).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(current.ToString(), error.Status.Detail);

        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.Equal(current, readiness.Watermark);
    }

    [Fact]
    public async Task MoreThanFiveMinutesInTheFutureIsInvalidArgument()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        foreach (var ahead in new[] { 6 * 60L, 3600L, 86_400L * 30 })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() =>
                server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = now + ahead }, headers).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        }

        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.Equal(0, readiness.Watermark);
    }

    [Fact]
    public async Task ExactlyNowAndSlightlyAheadAreAccepted()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var atNow = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = now }, headers);
        Assert.True(atNow.Success);
        Assert.Equal(now, atNow.Watermark);

        // Within the five minutes of tolerance.
        var ahead = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = now + 120 }, headers);
        Assert.True(ahead.Success);
        Assert.Equal(now + 120, ahead.Watermark);
    }

    [Fact]
    public async Task MillisecondsAreInvalidArgumentAndSaySo()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        var millis = DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 1000;

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = millis }, headers).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("millisecond", error.Status.Detail, StringComparison.OrdinalIgnoreCase);

        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.Equal(0, readiness.Watermark);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(-1_700_000_000L)]
    public async Task ZeroAndNegativeAreInvalidArgument(long timestamp)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = timestamp }, headers).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task GetReadinessReportsWatermarkLastFinalizedDateAndOpenDates()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);

        var initial = await server.Readiness.GetReadinessAsync(new GetReadinessRequest { Type = "metrics" }, headers);
        Assert.Equal(0, initial.Watermark);
        Assert.Equal("", initial.LastFinalizedDate);
        Assert.Empty(initial.OpenDates);

        // Ingested out of order, on purpose.
        await IngestAsync(server, project, Record("u1", "r_metric", 1, "2026-05-20"));
        await IngestAsync(server, project, Record("u1", "r_metric", 1, "2026-05-10"), Record("u2", "other", 2, "2026-05-10"));
        await IngestAsync(server, project, Record("u1", "r_metric", 1, "2026-05-12"));

        var beforeSeal = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.Equal(0, beforeSeal.Watermark);
        Assert.Equal(new[] { "2026-05-10", "2026-05-12", "2026-05-20" }, beforeSeal.OpenDates);

        var end = PacificTime.EndOf("2026-05-10");
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = end }, headers);
        var afterFirst = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.Equal(end, afterFirst.Watermark);
        Assert.Equal("2026-05-10", afterFirst.LastFinalizedDate);
        Assert.Equal(new[] { "2026-05-12", "2026-05-20" }, afterFirst.OpenDates);

        // A watermark in the middle of 2026-05-15: the last sealed day is 2026-05-14, which holds no data.
        var midDay = PacificTime.EndOf("2026-05-14") + 3600;
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = midDay }, headers);
        var afterSecond = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.Equal(midDay, afterSecond.Watermark);
        Assert.Equal("2026-05-14", afterSecond.LastFinalizedDate);
        Assert.Equal(new[] { "2026-05-20" }, afterSecond.OpenDates);
    }

    [Fact]
    public async Task JsonMarkDataReadyAndReadinessWork()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        const string date = "2026-07-04";
        await IngestAsync(server, project, Record("u1", "json_metric", 5, date));
        await IngestAsync(server, project, Record("u1", "json_metric", 5, "2026-07-06"));
        var end = PacificTime.EndOf(date);

        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/mark_data_ready"))
        {
            request.Headers.Add("statsig-api-key", project.ServerSecret);
            request.Content = JsonContent.Create(new { timestamp = end, type = "metrics" });
            using var response = await server.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
            using var body = JsonDocument.Parse(text);
            Assert.True(body.RootElement.GetProperty("success").GetBoolean());
            Assert.Equal(end, ReadInt64(body.RootElement.GetProperty("watermark")));
            var finalized = body.RootElement.GetProperty("finalizedDates").EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.Equal(new[] { date }, finalized);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "v1/readiness"))
        {
            request.Headers.Add("statsig-api-key", project.ServerSecret);
            using var response = await server.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
            using var body = JsonDocument.Parse(text);
            Assert.Equal(end, ReadInt64(body.RootElement.GetProperty("watermark")));
            Assert.Equal(date, body.RootElement.GetProperty("lastFinalizedDate").GetString());
            var open = body.RootElement.GetProperty("openDates").EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.Equal(new[] { "2026-07-06" }, open);
        }

        // Backward through JSON is refused too (FAILED_PRECONDITION maps to 400) and the watermark stays.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/mark_data_ready"))
        {
            request.Headers.Add("statsig-api-key", project.ServerSecret);
            request.Content = JsonContent.Create(new { timestamp = end - 10 });
            using var response = await server.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(end.ToString(), await response.Content.ReadAsStringAsync());
        }
        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), ProjectKeys.Headers(project.ServerSecret));
        Assert.Equal(end, readiness.Watermark);
    }

    private static long ReadInt64(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? long.Parse(element.GetString()!) : element.GetInt64();
}
