using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains.Tests;

/// <summary>
/// Two activations of one grain can live for a while during a membership change. Here the other activation is played
/// by a write straight to the store, as it would make it: a read of the activation that missed the write answers the
/// stored state, never the older one it holds.
/// </summary>
public sealed class StaleActivationReadTests : IAsyncLifetime
{
    private const string Project = "stale";
    private const string Metric = "revenue";
    private static readonly DateOnly Day = new(2026, 4, 2);
    private static readonly MetricDayId DayId = new(Project, Metric, new PacificDay(Day));

    private EmbeddedSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await EmbeddedSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private IReadinessGrain Readiness => _silo.Grains.GetReadinessGrain(Project);

    private IMetricDayGrain MetricDay => _silo.Grains.GetMetricDayGrain(DayId);

    [Fact]
    public async Task AWatermarkMovedByAnotherActivationIsWhatGetReadinessAnswers()
    {
        Assert.Equal(0, (await Readiness.Get()).Watermark);
        var store = _silo.Services.GetRequiredService<IReadinessStore>();
        var key = $"{Project}/{ReadinessType.Metrics}";
        var sealedUpTo = new PacificDay(Day).EndUnixSeconds;

        await store.SaveAsync(key, await store.VersionAsync(key), ReadinessChange.Advance(sealedUpTo));

        var view = await Readiness.Get();
        Assert.Equal(sealedUpTo, view.Watermark);
        Assert.Equal(Day, view.LastFinalizedDate);
    }

    [Fact]
    public async Task ASliceStoredByAnotherActivationIsInTheViewAndHeldForItsKey()
    {
        Assert.Equal(SliceOutcome.Applied, await MetricDay.Apply(Slice("alice", 5, key: null)));
        Assert.Equal(5, (await MetricDay.View(includeTest: false))!.Overall.Sum);
        var store = _silo.Services.GetRequiredService<IMetricDayStore>();

        await store.AppendAsync(DayId, await store.VersionAsync(DayId), Slice("bob", 7, key: "k-1"));

        Assert.True(await MetricDay.HoldsSlice("k-1", "f"));
        var view = await MetricDay.View(includeTest: false);
        Assert.Equal(12, view!.Overall.Sum);
        Assert.Equal(2, view.Overall.UnitCount);
        Assert.Equal(SliceOutcome.AlreadyApplied, await MetricDay.Apply(Slice("bob", 7, key: "k-1")));
    }

    private static MetricSlice Slice(string user, double value, string? key) =>
        new(key, false, DateTimeOffset.UtcNow, [new UnitRow("user_id", user, value, null, null)], RequestFingerprint: "f");
}
