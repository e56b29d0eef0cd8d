using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.HostileInput;

/// <summary>
/// The checks after a hostile request, each case in a project of its own: nothing of the request was applied,
/// and the server still serves the project.
/// </summary>
public static class HostileInputProbe
{
    public const string Day = "2026-05-10";
    public const string Metric = "probe_metric";

    /// <summary>The valid record hostile ingest requests carry beside their hostile part, so that a request applied even in part shows.</summary>
    public static MetricRecord ValidRecord() => new() { UserId = "u-valid", IdType = "user_id", MetricName = Metric, MetricValue = 1, Date = Day };

    public const string ValidRecordJson =
        """{"user_id": "u-valid", "id_type": "user_id", "metric_name": "probe_metric", "metric_value": 1, "date": "2026-05-10"}""";

    /// <summary>
    /// After a refused ingest: the project holds no metric, no open day and no test record; then a valid record is
    /// accepted and counted exactly once.
    /// </summary>
    public static async Task AssertNothingIngestedAndStillServesAsync(SharedServer server, ProjectKeys project)
    {
        var secret = ProjectKeys.Headers(project.ServerSecret);
        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), secret);
        Assert.Equal(0, readiness.Watermark);
        Assert.Empty(readiness.OpenDates);
        Assert.Empty((await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), secret)).Metrics);
        var lookup = new GetMetricDayRequest { MetricName = Metric, Date = Day, IncludeTest = true };
        var missing = await Assert.ThrowsAsync<RpcException>(() => server.Metrics.GetMetricDayAsync(lookup, secret).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        var control = await server.Ingest.LogCustomMetricAsync(new LogCustomMetricRequest { Metrics = { ValidRecord() } }, ProjectKeys.Headers(project.IngestKey));
        Assert.Equal(1, control.Accepted);
        var day = await server.Metrics.GetMetricDayAsync(lookup, secret);
        Assert.Equal(1, day.Overall.RowCount);
        Assert.Equal(1.0, day.Overall.Sum);
    }

    /// <summary>Before a hostile MarkDataReady: one open day, <see cref="Day"/>, holding the valid record.</summary>
    public static async Task SeedOpenDayAsync(SharedServer server, ProjectKeys project)
    {
        var seeded = await server.Ingest.LogCustomMetricAsync(new LogCustomMetricRequest { Metrics = { ValidRecord() } }, ProjectKeys.Headers(project.IngestKey));
        Assert.Equal(1, seeded.Accepted);
    }

    /// <summary>
    /// After a refused MarkDataReady: the watermark has not moved and the seeded day is still open; then a valid
    /// MarkDataReady seals it.
    /// </summary>
    public static async Task AssertWatermarkUnmovedAndStillServesAsync(SharedServer server, ProjectKeys project)
    {
        var secret = ProjectKeys.Headers(project.ServerSecret);
        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), secret);
        Assert.Equal(0, readiness.Watermark);
        Assert.Equal([Day], readiness.OpenDates);
        var lookup = new GetMetricDayRequest { MetricName = Metric, Date = Day };
        Assert.Equal(DayStatus.Open, (await server.Metrics.GetMetricDayAsync(lookup, secret)).Status);

        var sealedDays = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, secret);
        Assert.Equal([Day], sealedDays.FinalizedDates);
        var day = await server.Metrics.GetMetricDayAsync(lookup, secret);
        Assert.Equal(DayStatus.Finalized, day.Status);
        Assert.Equal(1, day.Overall.RowCount);
    }
}
