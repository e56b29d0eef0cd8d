using Metrics.Grains.Readiness;

namespace Metrics.Grains.Tests;

/// <summary>The readiness state's changes: what a write adds, what a seal closes, and the counts quotas check.</summary>
public sealed class ReadinessStateTests
{
    private static readonly DateOnly Day = new(2026, 4, 2);

    [Fact]
    public void AWriteAddsOnlyTheMetricDaysAndCatalogFactsNotKnownYet()
    {
        var state = ReadinessState.Empty.Apply(ReadinessState.Empty.Register(Intent(("revenue", Day), ("clicks", Day)))!);

        Assert.Null(state.Register(Intent(("revenue", Day))));
        var change = state.Register(Intent(("revenue", Day), ("revenue", Day.AddDays(1)), ("views", Day)))!;

        Assert.Equal([new MetricDayRef("revenue", Day.AddDays(1)), new MetricDayRef("views", Day)], change.Opened);
        Assert.Equal(1, change.NewMetricNames(state));
        Assert.Equal(["revenue", "views"], change.Cataloged.Select(e => e.MetricName));
        Assert.Equal(Day.AddDays(1), change.Cataloged.Single(e => e.MetricName == "revenue").LastDate);
    }

    [Fact]
    public void ASealClosesItsDaysAndKeepsThemUntilAnnounced()
    {
        var state = ReadinessState.Empty.Apply(ReadinessState.Empty.Register(Intent(("revenue", Day), ("clicks", Day), ("revenue", Day.AddDays(1))))!);
        Assert.Equal(3, state.OpenMetricDays);
        var sealedDay = new SealedDayEvent("p", Day, 1, 2, DateTimeOffset.UnixEpoch);

        var closed = state.Apply(ReadinessChange.Close([sealedDay]));
        Assert.Equal(1, closed.OpenMetricDays);
        Assert.Equal([Day.AddDays(1)], closed.OpenDays.Keys);
        Assert.Equal([sealedDay], closed.Unannounced.Values);

        var announced = closed.Apply(ReadinessChange.Announce([Day]));
        Assert.Empty(announced.Unannounced);
        Assert.Equal(state.Version + 2, announced.Version);
    }

    [Fact]
    public void TheWatermarkNeverMovesBackwards()
    {
        var state = ReadinessState.Empty.Apply(ReadinessChange.Advance(100));

        Assert.Equal(100, state.Apply(ReadinessChange.Advance(50)).Watermark);
    }

    [Fact]
    public void CatalogPagesStartAfterTheNameGiven()
    {
        var state = ReadinessState.Empty.Apply(ReadinessState.Empty.Register(Intent(("b", Day), ("a", Day), ("d", Day), ("c", Day)))!);

        Assert.Equal(["a", "b"], state.CatalogAfter(null, 2).Select(e => e.MetricName));
        Assert.Equal(["c", "d"], state.CatalogAfter("b", 5).Select(e => e.MetricName));
        Assert.Equal(["c"], state.CatalogAfter("bb", 1).Select(e => e.MetricName));
        Assert.Empty(state.CatalogAfter("d", 5));
    }

    private static WriteIntent Intent(params (string Metric, DateOnly Day)[] metricDays) => new(
        Guid.NewGuid(),
        metricDays.Select(m => new MetricDayRef(m.Metric, m.Day)).ToArray(),
        metricDays.GroupBy(m => m.Metric).Select(g => new CatalogEntry(g.Key, false, ["user_id"], g.Min(m => m.Day), g.Max(m => m.Day))).ToArray());
}
