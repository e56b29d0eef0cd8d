using Metrics.Domain;
using Metrics.Grains.Ingestion;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;

namespace Metrics.Grains.Tests;

/// <summary>
/// What a request is answered once its metric-day grains answered its slices. A slice refused by a sealed grain
/// (its writer outlived the lease, or the readiness grain lost its leases) must not hide the slices that were stored.
/// </summary>
public class IngestOutcomeTests
{
    private static readonly DateOnly Open = new(2026, 5, 10);
    private static readonly DateOnly Sealed = new(2026, 5, 9);

    private static SliceResult Slice(string metric, DateOnly day, int rows, SliceOutcome outcome) => new(new MetricDayRef(metric, day), rows, outcome);

    [Fact]
    public void EverySliceAppliedCountsItsRows()
    {
        var outcome = IngestOutcome.Of([Slice("a", Open, 3, SliceOutcome.Applied), Slice("b", Open, 2, SliceOutcome.Applied)], keyed: true, [], 0);

        Assert.Equal(new IngestOutcome.Applied(5, Duplicate: false), outcome);
    }

    [Fact]
    public void EverySliceAlreadyHeldIsADuplicate()
    {
        var outcome = IngestOutcome.Of([Slice("a", Open, 3, SliceOutcome.AlreadyApplied), Slice("b", Open, 2, SliceOutcome.AlreadyApplied)], keyed: true, [], 0);

        Assert.Equal(new IngestOutcome.Applied(0, Duplicate: true), outcome);
    }

    [Fact]
    public void ARetryThatStoresTheRestIsNoDuplicate()
    {
        var outcome = IngestOutcome.Of([Slice("a", Open, 3, SliceOutcome.AlreadyApplied), Slice("b", Open, 2, SliceOutcome.Applied)], keyed: true, [], 0);

        Assert.Equal(new IngestOutcome.Applied(2, Duplicate: false), outcome);
    }

    [Fact]
    public void ASliceRefusedAsSealedNamesTheSealedDayAndWhatWasStored()
    {
        var outcome = IngestOutcome.Of(
            [Slice("a", Open, 3, SliceOutcome.Applied), Slice("b", Sealed, 2, SliceOutcome.Sealed), Slice("c", Open, 4, SliceOutcome.AlreadyApplied)],
            keyed: true, [new PacificDay(Sealed)], 1_778_400_000);

        var refused = Assert.IsType<IngestOutcome.DaysSealed>(outcome);
        Assert.Equal([new PacificDay(Sealed)], refused.Days);
        Assert.Equal(["a on 2026-05-10", "c on 2026-05-10"], refused.Stored);
        Assert.Equal(7, refused.StoredRecords);
        Assert.Equal(
            "day(s) 2026-05-09 already sealed by the watermark; this call or an earlier attempt with its idempotency key stored the records of "
            + "a on 2026-05-10, c on 2026-05-10, which count (7 record(s)); nothing else in the request was applied",
            refused.Reason);
    }

    [Fact]
    public void NothingStoredSaysSo()
    {
        var outcome = IngestOutcome.Of([Slice("b", Sealed, 2, SliceOutcome.Sealed)], keyed: false, [new PacificDay(Sealed)], 0);

        Assert.Equal("day(s) 2026-05-09 already sealed by the watermark; nothing in the request was applied", ((IngestOutcome.DaysSealed)outcome).Reason);
    }

    [Fact]
    public void TheMessageNamesAtMostTenDaysAndMetricDays()
    {
        var stored = Enumerable.Range(0, 500).Select(i => Slice($"m{i}", Open, 1, SliceOutcome.Applied));
        var days = Enumerable.Range(0, 500).Select(i => new PacificDay(Sealed.AddDays(-i))).ToList();

        var outcome = IngestOutcome.Of([.. stored, Slice("late", Sealed, 1, SliceOutcome.Sealed)], keyed: true, days, 0);

        var reason = ((IngestOutcome.DaysSealed)outcome).Reason;
        Assert.Contains("m9 on 2026-05-10 and 490 more", reason);
        Assert.Contains("and 490 more already sealed", reason);
        Assert.True(reason.Length < 1000, $"{reason.Length} characters");
    }
}
