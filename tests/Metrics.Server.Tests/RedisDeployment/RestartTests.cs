using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// SPEC §3 "Durability": in the Redis deployment every answered write survives a crash of the server process.
/// After a SIGKILL, a new node on the same Redis answers as the old one did.
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class RestartTests(RestartScenario scenario) : IClassFixture<RestartScenario>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MetricDaysAreTheSameAfterTheKill()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        var days = await scenario.ReadDaysAsync(timeout.Token);

        Assert.Equal(scenario.DaysBeforeKill, days);
        Assert.Contains(days, d => d.Date == RestartScenario.SealedDay && d.Status == DayStatus.Finalized);
        Assert.Contains(days, d => d.Date == RestartScenario.OpenDays[0] && d.Status == DayStatus.Open && d.Overall.RowCount > 0);
    }

    [Fact]
    public async Task ReadinessIsTheSameAfterTheKill()
    {
        var readiness = await scenario.Client.Readiness.GetReadinessAsync(new GetReadinessRequest(), scenario.Secret, deadline: Deadline());

        Assert.Equal(scenario.ReadinessBeforeKill, readiness);
        Assert.Equal(PacificTime.EndOf(RestartScenario.SealedDay), readiness.Watermark);
        Assert.Equal(RestartScenario.SealedDay, readiness.LastFinalizedDate);
        Assert.Equal(RestartScenario.OpenDays, readiness.OpenDates);
    }

    [Fact]
    public async Task SealedDayStillRefusesWrites()
    {
        var late = new LogCustomMetricRequest
        {
            IdempotencyKey = "late-after-restart",
            Metrics = { new MetricRecord { UserId = "late", IdType = "user_id", MetricName = "revenue", MetricValue = 99, Date = RestartScenario.SealedDay } },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            scenario.Client.Ingest.LogCustomMetricAsync(late, ProjectKeys.Headers(scenario.Project.IngestKey), deadline: Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(RestartScenario.SealedDay, error.Status.Detail);
        using var timeout = new CancellationTokenSource(Timeout);
        Assert.Equal(scenario.DaysBeforeKill, await scenario.ReadDaysAsync(timeout.Token));
    }

    [Fact]
    public async Task AppliedIdempotencyKeysAreStillDuplicates()
    {
        foreach (var request in scenario.Applied)
        {
            var retry = await scenario.Client.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(scenario.Project.IngestKey), deadline: Deadline());

            Assert.True(retry.Success);
            Assert.True(retry.Duplicate, $"key {request.IdempotencyKey} was applied before the kill");
            Assert.Equal(0, retry.Accepted);
        }
        using var timeout = new CancellationTokenSource(Timeout);
        Assert.Equal(scenario.DaysBeforeKill, await scenario.ReadDaysAsync(timeout.Token));
    }

    [Fact]
    public async Task LogstreamResumesAfterACursorSavedBeforeTheKill()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var resumed = await scenario.Client.Logstream.SubscribeLiveAsync(
            new SubscribeRequest { AfterCursor = scenario.SavedCursor, IncludeTest = true }, scenario.Secret, timeout.Token);

        var replayed = await resumed.TakeAsync(scenario.EntriesAfterSavedCursor.Count, timeout.Token);
        Assert.Equal(scenario.EntriesAfterSavedCursor, replayed);

        // A metric of its own, on a day already open: the other tests' snapshots stay as they were.
        var live = new MetricRecord { UserId = "live", IdType = "user_id", MetricName = "after_restart", MetricValue = 7, Date = RestartScenario.OpenDays[0] };
        await scenario.Client.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest { Metrics = { live } }, ProjectKeys.Headers(scenario.Project.IngestKey), cancellationToken: timeout.Token);
        var next = Assert.Single(await resumed.TakeAsync(1, timeout.Token));
        Assert.Equal(("live", "after_restart", 7.0), (next.UserId, next.MetricName, next.MetricValue));
        Assert.Equal(0UL, next.DroppedBefore);
    }

    private static DateTime Deadline() => DateTime.UtcNow + Timeout;
}
