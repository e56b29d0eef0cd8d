using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains.Tests;

/// <summary>
/// A seal against writers that misbehave: a writer admitted by the readiness grain that never ends its write holds
/// the seal back only until its lease expires; a slice arriving after the seal is refused and changes nothing; and
/// while a seal waits, no new write for its day is admitted.
/// </summary>
public sealed class ReadinessLeaseTests : IAsyncLifetime
{
    private const string Project = "leases";
    private const string Metric = "revenue";
    private static readonly DateOnly Day = new(2026, 4, 2);

    /// <summary>Safety net only: a seal that never completes fails the test instead of hanging it.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private readonly ManualClock _clock = new(new PacificDay(Day).End.AddHours(1));
    private EmbeddedSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await EmbeddedSilo.StartAsync(_clock);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private IGrainFactory Grains => _silo.Grains;

    private IReadinessGrain Readiness => Grains.GetReadinessGrain(Project);

    private IMetricDayGrain MetricDay(DateOnly day) => Grains.GetMetricDayGrain(new MetricDayId(Project, Metric, new PacificDay(day)));

    [Fact]
    public async Task AStalledWriterHoldsTheSealBackOnlyUntilItsLeaseExpires()
    {
        await WriteAsync("alice", 5);
        var stalled = await BeginAsync(Day);

        var seal = Readiness.MarkDataReady(EndOf(Day));
        await SealUnderWayAsync();
        Assert.False(seal.IsCompleted);
        _clock.Now += TimeSpan.FromSeconds(31);
        var sealed_ = await seal.WaitAsync(Patience);

        Assert.Null(sealed_.Refusal);
        Assert.Equal([Day], sealed_.FinalizedDates);
        Assert.Equal(SliceOutcome.Sealed, await MetricDay(Day).Apply(Slice("bob", 7)));
        var view = await MetricDay(Day).View(includeTest: false);
        Assert.True(view!.Finalized);
        Assert.Equal(5, view.Overall.Sum);
        Assert.Equal(1, view.Overall.UnitCount);
    }

    [Fact]
    public async Task ASliceAfterTheSealIsRefusedAndLeavesTheSealedViewAsItWas()
    {
        await WriteAsync("alice", 5);
        await Readiness.MarkDataReady(EndOf(Day));
        var before = await MetricDay(Day).View(includeTest: false);
        var beforeWithTest = await MetricDay(Day).View(includeTest: true);

        Assert.Equal(SliceOutcome.Sealed, await MetricDay(Day).Apply(Slice("alice", 100)));
        Assert.Equal(SliceOutcome.Sealed, await MetricDay(Day).Apply(Slice("bob", 7) with { IsTest = true }));

        var after = await MetricDay(Day).View(includeTest: false);
        Assert.True(after!.Finalized);
        Assert.Equal(before!.Overall, after.Overall);
        Assert.Equal(before.FinalizedAt, after.FinalizedAt);
        Assert.Equal(beforeWithTest!.Overall, (await MetricDay(Day).View(includeTest: true))!.Overall);
    }

    [Fact]
    public async Task WhileASealWaitsForAnAdmittedWriteNoNewWriteForItsDayIsAdmitted()
    {
        var admitted = await BeginAsync(Day);
        var seal = Readiness.MarkDataReady(EndOf(Day));
        await SealUnderWayAsync();

        // Refused, once the seal under way is done: a retry of the admitted write then finds what it stored.
        var late = Readiness.BeginWrite(Intent(Day));
        var nextDay = await BeginAsync(Day.AddDays(1));
        await Task.Delay(200);
        Assert.False(late.IsCompleted);

        Assert.Equal(SliceOutcome.Applied, await MetricDay(Day).Apply(Slice("alice", 5)));
        await Readiness.EndWrite(admitted.LeaseId);
        await Readiness.EndWrite(nextDay.LeaseId);
        Assert.Equal([Day], (await seal.WaitAsync(Patience)).FinalizedDates);
        var refused = await late.WaitAsync(Patience);
        Assert.False(refused.Admitted);
        Assert.Equal([Day], refused.SealedDays);
        Assert.Equal(5, (await MetricDay(Day).View(includeTest: false))!.Overall.Sum);
    }

    [Fact]
    public async Task ARenewedLeaseHoldsTheSealBackPastTheTimeoutUntilItsWriteEnds()
    {
        var renewed = await BeginAsync(Day);
        _clock.Now += TimeSpan.FromSeconds(25);
        Assert.True(await Readiness.RenewWrite(renewed.LeaseId));

        var seal = Readiness.MarkDataReady(EndOf(Day));
        await SealUnderWayAsync();
        _clock.Now += TimeSpan.FromSeconds(25); // 50 s since admitted, 25 since renewed
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the waiting seal looks for expired leases every second
        Assert.False(seal.IsCompleted);

        Assert.Equal(SliceOutcome.Applied, await MetricDay(Day).Apply(Slice("alice", 5)));
        await Readiness.EndWrite(renewed.LeaseId);
        Assert.Equal([Day], (await seal.WaitAsync(Patience)).FinalizedDates);
        Assert.Equal(5, (await MetricDay(Day).View(includeTest: false))!.Overall.Sum);
        Assert.False(await Readiness.RenewWrite(renewed.LeaseId)); // ended: nothing left to renew
    }

    /// <summary>The seal has stored its watermark, so it is waiting for the writes admitted before it.</summary>
    private async Task SealUnderWayAsync()
    {
        using var patience = new CancellationTokenSource(Patience);
        while ((await Readiness.Get()).Watermark != EndOf(Day))
            await Task.Delay(TimeSpan.FromMilliseconds(20), patience.Token);
    }

    private async Task<WriteIntent> BeginAsync(DateOnly day)
    {
        var intent = Intent(day);
        Assert.True((await Readiness.BeginWrite(intent)).Admitted);
        return intent;
    }

    /// <summary>One record of <see cref="Metric"/>, admitted, applied and ended as the ingestor does it.</summary>
    private async Task WriteAsync(string user, double value)
    {
        var intent = await BeginAsync(Day);
        Assert.Equal(SliceOutcome.Applied, await MetricDay(Day).Apply(Slice(user, value)));
        await Readiness.EndWrite(intent.LeaseId);
    }

    private static WriteIntent Intent(DateOnly day) =>
        new(Guid.NewGuid(), [new MetricDayRef(Metric, day)], [new CatalogEntry(Metric, false, ["user_id"], day, day)]);

    private MetricSlice Slice(string user, double value) =>
        new(null, false, _clock.GetUtcNow(), [new UnitRow("user_id", user, value, null, null)], RequestFingerprint: "");

    private static long EndOf(DateOnly day) => new PacificDay(day).EndUnixSeconds;
}
