using System.Globalization;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.Infrastructure.Ingesting;

namespace Metrics.Server.Tests;

/// <summary>Records for a sealed day are refused whole, never change the final aggregate, and show as REJECTED.</summary>
public sealed class LateDataTests
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(15);

    private const string SealedDay = "2026-04-02";
    private const string OpenDay = "2026-04-05";

    [Fact]
    public async Task RecordForASealedDayIsFailedPreconditionNamingTheDate()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await SealWithDataAsync(server, project, "late_metric");

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest { Metrics = { Record("late-u", "late_metric", 7, SealedDay) } },
            ProjectKeys.Headers(project.IngestKey)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(SealedDay, error.Status.Detail);

        // A different metric on the same sealed day is refused too: the day is sealed, not just the metric.
        var other = await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest { Metrics = { Record("late-u", "brand_new_metric", 7, SealedDay) } },
            ProjectKeys.Headers(project.ServerSecret)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, other.StatusCode);
        Assert.Contains(SealedDay, other.Status.Detail);
        var notFound = await Assert.ThrowsAsync<RpcException>(() => server.Metrics.GetMetricDayAsync(
            new GetMetricDayRequest { MetricName = "brand_new_metric", Date = SealedDay }, ProjectKeys.Headers(project.ServerSecret)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task RequestMixingASealedAndAnOpenDayAppliesNothing()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        var before = await SealWithDataAsync(server, project, "mixed_metric");

        var request = new LogCustomMetricRequest
        {
            Metrics =
            {
                Record("open-u1", "mixed_metric", 100, OpenDay),
                Record("late-u1", "mixed_metric", 100, SealedDay),
                Record("open-u2", "mixed_open_only", 100, OpenDay),
            },
        };
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(SealedDay, error.Status.Detail);

        foreach (var metric in new[] { "mixed_metric", "mixed_open_only" })
        {
            var missing = await Assert.ThrowsAsync<RpcException>(() => server.Metrics.GetMetricDayAsync(
                new GetMetricDayRequest { MetricName = metric, Date = OpenDay, IncludeTest = true }, headers).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        }
        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers);
        Assert.DoesNotContain(OpenDay, readiness.OpenDates);

        var after = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "mixed_metric", Date = SealedDay }, headers);
        AssertSameAggregate(before, after);
    }

    [Fact]
    public async Task SealedAggregateIsUnchangedByLateRecords()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        var before = await SealWithDataAsync(server, project, "agg_metric");
        Assert.Equal(DayStatus.Finalized, before.Status);

        // An existing unit, a new unit, and a test record: none may change anything.
        foreach (var (isTest, user) in new[] { (false, "u1"), (false, "brand-new"), (true, "u1") })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(
                new LogCustomMetricRequest { IsTest = isTest, Metrics = { Record(user, "agg_metric", 1000, SealedDay) } },
                ProjectKeys.Headers(project.IngestKey)).ResponseAsync);
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        }

        var after = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "agg_metric", Date = SealedDay }, headers);
        AssertSameAggregate(before, after);
        var withTest = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "agg_metric", Date = SealedDay, IncludeTest = true }, headers);
        Assert.Equal(before.Overall.RowCount, withTest.Overall.RowCount);
        Assert.Equal(before.Overall.Sum, withTest.Overall.Sum);

        var exported = new List<UnitValue>();
        using var export = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = "agg_metric", Date = SealedDay }, headers);
        while (await export.ResponseStream.MoveNext(CancellationToken.None))
            exported.Add(export.ResponseStream.Current);
        Assert.Equal(new[] { "u1", "u2" }, exported.Select(u => u.UserId).Order(StringComparer.Ordinal));
        Assert.Equal(5, exported.Single(u => u.UserId == "u1").Value);
    }

    [Fact]
    public async Task RejectedRecordsReachOnlySubscribersThatAskForThem()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        await SealWithDataAsync(server, project, "ls_metric");

        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var withRejected = server.Logstream.Subscribe(new SubscribeRequest { IncludeRejected = true }, headers, cancellationToken: timeout.Token);
        using var plain = server.Logstream.Subscribe(new SubscribeRequest(), headers, cancellationToken: timeout.Token);
        await withRejected.ResponseHeadersAsync;
        await plain.ResponseHeadersAsync;

        var late = new LogCustomMetricRequest
        {
            Metrics = { Record("late-a", "ls_metric", 11, SealedDay), Record("late-b", "ls_metric", 12, SealedDay) },
        };
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(late, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);

        await IngestAsync(server, project, Record("ok-user", "ls_metric", 1, OpenDay));

        var rejected = new[] { await NextAsync(withRejected, timeout.Token), await NextAsync(withRejected, timeout.Token) };
        Assert.Equal(new[] { "late-a", "late-b" }, rejected.Select(e => e.UserId));
        Assert.Equal(new[] { 11.0, 12.0 }, rejected.Select(e => e.MetricValue));
        foreach (var entry in rejected)
        {
            Assert.Equal(EntryStatus.Rejected, entry.Status);
            Assert.Contains(SealedDay, entry.Reason);
            Assert.Equal(SealedDay, entry.Date);
            Assert.Equal("ls_metric", entry.MetricName);
            Assert.NotEmpty(entry.Cursor);
        }
        var acceptedAfterRejected = await NextAsync(withRejected, timeout.Token);
        Assert.Equal("ok-user", acceptedAfterRejected.UserId);
        Assert.Equal(EntryStatus.Accepted, acceptedAfterRejected.Status);

        // The subscriber that did not ask for rejected records sees the accepted record first.
        var first = await NextAsync(plain, timeout.Token);
        Assert.Equal("ok-user", first.UserId);
        Assert.Equal(EntryStatus.Accepted, first.Status);
        Assert.Equal(OpenDay, first.Date);
    }

    /// <summary>Ingests u1 = 2 + 3 and u2 = 4 for <see cref="SealedDay"/>, seals it, and returns the final day.</summary>
    private static async Task<MetricDay> SealWithDataAsync(SharedServer server, ProjectKeys project, string metric)
    {
        var headers = ProjectKeys.Headers(project.ServerSecret);
        await IngestAsync(server, project, Record("u1", metric, 2, SealedDay), Record("u2", metric, 4, SealedDay));
        await IngestAsync(server, project, Record("u1", metric, 3, SealedDay));
        var sealing = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(SealedDay) }, headers);
        Assert.Equal(new[] { SealedDay }, sealing.FinalizedDates);
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = SealedDay }, headers);
        Assert.Equal(DayStatus.Finalized, day.Status);
        Assert.Equal(3, day.Overall.RowCount);
        Assert.Equal(2, day.Overall.UnitCount);
        Assert.Equal(9, day.Overall.Sum);
        return day;
    }

    private static void AssertSameAggregate(MetricDay before, MetricDay after)
    {
        Assert.Equal(DayStatus.Finalized, after.Status);
        Assert.Equal(before.Overall, after.Overall);
        Assert.Equal(before.ByIdType, after.ByIdType);
        Assert.Equal(before.FinalizedAt, after.FinalizedAt);
        Assert.Equal(before.LastIngestedAt, after.LastIngestedAt);
    }
}
