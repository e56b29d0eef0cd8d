using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;

namespace Metrics.Grains.Tests;

/// <summary>
/// A seal whose sealed-day event could not be published is kept as unannounced in the readiness state: a retried
/// MarkDataReady, with the same timestamp or a larger one, and the grain's next activation publish it, and the
/// retry's finalized dates list it.
/// </summary>
public sealed class ReadinessAnnouncementTests(ReadinessTestCluster fixture) : IClassFixture<ReadinessTestCluster>, IDisposable
{
    private static readonly DateOnly Day = new(2026, 4, 2);
    private static readonly DateOnly NextDay = Day.AddDays(1);

    public void Dispose() => fixture.Feed.Failing = false;

    [Fact]
    public async Task ARetryWithTheSameTimestampAnnouncesTheSealAndListsTheDay()
    {
        var project = "same-timestamp";
        await WriteAsync(project, Day);
        fixture.Feed.Failing = true;

        await Assert.ThrowsAsync<StorageUnavailableException>(() => Readiness(project).MarkDataReady(EndOf(Day)));
        Assert.True((await MetricDay(project, Day).View(false))!.Finalized);
        fixture.Feed.Failing = false;
        var retry = await Readiness(project).MarkDataReady(EndOf(Day));

        Assert.Equal([Day], retry.FinalizedDates);
        Assert.Single(Published(project), e => e.Date == Day && e.MetricCount == 1);
    }

    [Fact]
    public async Task ALaterMarkDataReadyAnnouncesTheEarlierSealWithItsOwn()
    {
        var project = "larger-timestamp";
        await WriteAsync(project, Day);
        await WriteAsync(project, NextDay);
        fixture.Feed.Failing = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Readiness(project).MarkDataReady(EndOf(Day)));
        fixture.Feed.Failing = false;

        var later = await Readiness(project).MarkDataReady(EndOf(NextDay));

        Assert.Equal([Day, NextDay], later.FinalizedDates);
        Assert.Equal([Day, NextDay], Published(project).Select(e => e.Date).Order());
    }

    [Fact]
    public async Task TheNextActivationAnnouncesTheSeal()
    {
        var project = "activation";
        await WriteAsync(project, Day);
        fixture.Feed.Failing = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Readiness(project).MarkDataReady(EndOf(Day)));
        fixture.Feed.Failing = false;

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await Readiness(project).Get();

        Assert.Single(Published(project), e => e.Date == Day);
        Assert.Empty((await Readiness(project).MarkDataReady(EndOf(Day))).FinalizedDates);
    }

    private IReadinessGrain Readiness(string project) => fixture.Grains.GetReadinessGrain(project);

    private IMetricDayGrain MetricDay(string project, DateOnly day) => fixture.Grains.GetMetricDayGrain(new MetricDayId(project, "revenue", new PacificDay(day)));

    private IEnumerable<SealedDayEvent> Published(string project) => fixture.Feed.Published.Where(e => e.Project == project);

    private static long EndOf(DateOnly day) => new PacificDay(day).EndUnixSeconds;

    /// <summary>One record of metric <c>revenue</c> on the day, admitted and applied as the ingestor does it.</summary>
    private async Task WriteAsync(string project, DateOnly day)
    {
        var intent = new WriteIntent(Guid.NewGuid(), [new MetricDayRef("revenue", day)], [new CatalogEntry("revenue", false, ["user_id"], day, day)]);
        Assert.True((await Readiness(project).BeginWrite(intent)).Admitted);
        var slice = new MetricSlice(null, false, DateTimeOffset.UtcNow, [new UnitRow("user_id", "alice", 1, null, null)], RequestFingerprint: "");
        Assert.Equal(SliceOutcome.Applied, await MetricDay(project, day).Apply(slice));
        await Readiness(project).EndWrite(intent.LeaseId);
    }
}
