using System.Globalization;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.Infrastructure.Ingesting;

namespace Metrics.Server.Tests;

/// <summary>Days are sealed exactly when the watermark reaches the next Pacific midnight, DST days included.</summary>
public sealed class SealTests
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("2026-03-08", 1773039600L, 23)] // spring forward: ends 2026-03-09T07:00:00Z
    [InlineData("2026-11-01", 1793606400L, 25)] // fall back: ends 2026-11-02T08:00:00Z
    [InlineData("2026-06-15", 1781593200L, 24)] // ends 2026-06-16T07:00:00Z
    [InlineData("2026-01-15", 1768550400L, 24)] // ends 2026-01-16T08:00:00Z
    public async Task DayIsSealedExactlyAtItsPacificEnd(string date, long expectedEnd, int expectedHours)
    {
        var end = PacificTime.EndOf(date);
        Assert.Equal(expectedEnd, end);
        Assert.Equal(expectedHours * 3600L, end - PacificTime.StartOf(date));

        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        await IngestAsync(server, project, Record("u1", "dst_metric", 4, date), Record("u2", "dst_metric", 6, date));

        var early = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = end - 1 }, headers);
        Assert.True(early.Success);
        Assert.Equal(end - 1, early.Watermark);
        Assert.Empty(early.FinalizedDates);
        var open = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "dst_metric", Date = date }, headers);
        Assert.Equal(DayStatus.Open, open.Status);
        var readinessOpen = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.Equal(new[] { date }, readinessOpen.OpenDates);

        // The day is still open: one more record is accepted.
        await IngestAsync(server, project, Record("u3", "dst_metric", 10, date));

        var sealing = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = end }, headers);
        Assert.True(sealing.Success);
        Assert.Equal(end, sealing.Watermark);
        Assert.Equal(new[] { date }, sealing.FinalizedDates);

        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "dst_metric", Date = date }, headers);
        Assert.Equal(DayStatus.Finalized, day.Status);
        Assert.NotNull(day.FinalizedAt);
        Assert.Equal(3, day.Overall.RowCount);
        Assert.Equal(20, day.Overall.Sum);

        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.Equal(date, readiness.LastFinalizedDate);
        Assert.Empty(readiness.OpenDates);
    }

    [Fact]
    public async Task SeveralDaysSealedByOneCallAreListedAscendingAndEmptyDaysAreNotListed()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);

        // Ingested newest first; 2026-08-11 and 2026-08-13 hold no data.
        await IngestAsync(server, project, Record("u1", "multi", 1, "2026-08-14"));
        await IngestAsync(server, project, Record("u1", "multi", 1, "2026-08-12"), Record("u1", "multi_b", 1, "2026-08-12"));
        await IngestAsync(server, project, Record("u1", "multi", 1, "2026-08-10"));
        await IngestAsync(server, project, Record("u1", "multi", 1, "2026-08-16")); // stays open

        var reply = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf("2026-08-14") }, headers);
        Assert.Equal(new[] { "2026-08-10", "2026-08-12", "2026-08-14" }, reply.FinalizedDates);

        foreach (var (metric, date) in new[] { ("multi", "2026-08-10"), ("multi", "2026-08-12"), ("multi_b", "2026-08-12"), ("multi", "2026-08-14") })
        {
            var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = date }, headers);
            Assert.Equal(DayStatus.Finalized, day.Status);
        }
        var stillOpen = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "multi", Date = "2026-08-16" }, headers);
        Assert.Equal(DayStatus.Open, stillOpen.Status);

        // The days without data were sealed as well: records for them are refused.
        foreach (var emptyDay in new[] { "2026-08-11", "2026-08-13" })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(
                new LogCustomMetricRequest { Metrics = { Record("u9", "multi", 1, emptyDay) } }, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.Contains(emptyDay, error.Status.Detail);
            var notFound = await Assert.ThrowsAsync<RpcException>(() =>
                server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "multi", Date = emptyDay }, headers).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        }

        // A day with data whose end is not reached yet: later sealing lists only it.
        var later = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf("2026-08-20") }, headers);
        Assert.Equal(new[] { "2026-08-16" }, later.FinalizedDates);
    }

    [Fact]
    public async Task WatchReadinessSendsOneEventPerSealedDayHoldingData()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var watch = server.Readiness.WatchReadiness(new WatchReadinessRequest { Type = "metrics" }, headers, cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        // 2026-09-01: two metrics (one unit twice); 2026-09-02: nothing; 2026-09-03: one metric; 2026-09-05 later.
        await IngestAsync(server, project, Record("u1", "w_a", 1, "2026-09-01"), Record("u2", "w_b", 1, "2026-09-01"), Record("u1", "w_a", 2, "2026-09-01"));
        await IngestAsync(server, project, Record("u1", "w_a", 1, "2026-09-03"));
        await IngestAsync(server, project, Record("u1", "w_c", 1, "2026-09-05"), Record("u1", "w_a", 1, "2026-09-05"), Record("u1", "w_b", 1, "2026-09-05"));

        var before = DateTimeOffset.UtcNow;
        var watermark = PacificTime.EndOf("2026-09-03");
        var reply = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = watermark }, headers);
        var after = DateTimeOffset.UtcNow;
        Assert.Equal(new[] { "2026-09-01", "2026-09-03" }, reply.FinalizedDates);

        var first = await NextAsync(watch, timeout.Token);
        Assert.Equal("2026-09-01", first.Date);
        Assert.Equal(watermark, first.Watermark);
        Assert.Equal(2, first.MetricCount);
        AssertBetween(first.FinalizedAt.ToDateTimeOffset(), before, after);

        var second = await NextAsync(watch, timeout.Token);
        Assert.Equal("2026-09-03", second.Date);
        Assert.Equal(watermark, second.Watermark);
        Assert.Equal(1, second.MetricCount);
        AssertBetween(second.FinalizedAt.ToDateTimeOffset(), before, after);

        // No event for the empty 2026-09-02 (nor 2026-09-04): the next event is the next day holding data.
        var laterWatermark = PacificTime.EndOf("2026-09-05");
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = laterWatermark }, headers);
        var third = await NextAsync(watch, timeout.Token);
        Assert.Equal("2026-09-05", third.Date);
        Assert.Equal(laterWatermark, third.Watermark);
        Assert.Equal(3, third.MetricCount);
    }

    [Fact]
    public async Task WatchReadinessSendsNothingForASealOfDaysWithoutData()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var watch = server.Readiness.WatchReadiness(new WatchReadinessRequest(), headers, cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        // Seals many empty days: no event, no finalized date.
        var empty = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf("2026-02-01") }, headers);
        Assert.Empty(empty.FinalizedDates);

        await IngestAsync(server, project, Record("u1", "only", 1, "2026-02-03"));
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf("2026-02-03") }, headers);
        var next = await NextAsync(watch, timeout.Token);
        Assert.Equal("2026-02-03", next.Date);
        Assert.Equal(1, next.MetricCount);
    }

    [Fact]
    public async Task ADayHoldingOnlyTestRecordsIsListedAndAnnouncedButNotInTheCatalog()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var watch = server.Readiness.WatchReadiness(new WatchReadinessRequest { Type = "metrics" }, headers, cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        // 2026-04-01 holds only test records (two metrics); 2026-04-02 nothing; 2026-04-03 a production record.
        await IngestAsync(server, project, isTest: true, Record("t1", "test_a", 1, "2026-04-01"), Record("t2", "test_b", 2, "2026-04-01"));
        await IngestAsync(server, project, Record("u1", "prod", 1, "2026-04-03"));

        var watermark = PacificTime.EndOf("2026-04-03");
        var reply = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = watermark }, headers);
        Assert.Equal(new[] { "2026-04-01", "2026-04-03" }, reply.FinalizedDates);

        var testDay = await NextAsync(watch, timeout.Token);
        Assert.Equal("2026-04-01", testDay.Date);
        Assert.Equal(watermark, testDay.Watermark);
        Assert.Equal(2, testDay.MetricCount);
        var productionDay = await NextAsync(watch, timeout.Token);
        Assert.Equal("2026-04-03", productionDay.Date);
        Assert.Equal(1, productionDay.MetricCount);

        // The catalog holds production metrics only.
        var catalog = await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), headers);
        Assert.Equal(["prod"], catalog.Metrics.Select(m => m.MetricName));
    }

    private static void AssertBetween(DateTimeOffset actual, DateTimeOffset before, DateTimeOffset after)
    {
        // Clock granularity slack only; the server and the test share the machine's clock.
        Assert.InRange(actual, before.AddSeconds(-1), after.AddSeconds(1));
    }
}
