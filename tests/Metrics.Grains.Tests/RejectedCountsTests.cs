using Metrics.Domain;
using Metrics.Grains.Health;

namespace Metrics.Grains.Tests;

/// <summary>A refused request's records counted per metric-day for the rejected-share health check.</summary>
public sealed class RejectedCountsTests
{
    private static readonly PacificDay Oldest = PacificDay.Parse("2026-05-01");
    private static readonly PacificDay Today = PacificDay.Parse("2026-05-10");

    private static IncomingRecord Record(string metric, string date) => new("u", "user_id", metric, 1, null, null, date);

    [Fact]
    public void RecordsAreCountedPerMetricDayInTheOrderTheyAreFirstNamed()
    {
        IncomingRecord[] records =
        [
            Record("b", "2026-05-03"), Record("a", "2026-05-03"), Record("b", "2026-05-03"),
            Record("b", "2026-05-02"), Record("a", "2026-05-03"), Record("b", "2026-05-03"),
        ];
        Assert.Equal(
            [new("b", PacificDay.Parse("2026-05-03"), 3), new("a", PacificDay.Parse("2026-05-03"), 2), new RejectedCount("b", PacificDay.Parse("2026-05-02"), 1)],
            RejectedCounts.Of(records, Oldest, Today));
    }

    [Fact]
    public void RecordsWithoutAMetricOrADayOrForADayBeforeTheOldestAreLeftOut()
    {
        IncomingRecord[] records =
        [
            Record("", "2026-05-03"), Record("m", ""), Record("m", "not a date"), Record("m", "2026-04-30"),
            Record("m", "2026-05-01"), Record("m", "not a date"), Record("m", "2026-05-01"),
        ];
        Assert.Equal([new RejectedCount("m", Oldest, 2)], RejectedCounts.Of(records, Oldest, Today));
    }

    [Fact]
    public void OnlyTheFirstMetricDaysWithinTheBoundAreCountedAndTheirCountsGoOn()
    {
        var records = Enumerable.Range(0, IRejectionTally.MetricsPerDay + 5)
            .Select(i => Record($"m{i}", "2026-05-02"))
            .Append(Record("m0", "2026-05-02"))
            .ToList();
        var counts = RejectedCounts.Of(records, Oldest, Today);
        Assert.Equal(IRejectionTally.MetricsPerDay, counts.Count);
        Assert.Equal(new RejectedCount("m0", PacificDay.Parse("2026-05-02"), 2), counts[0]);
        Assert.DoesNotContain(counts, c => c.MetricName == $"m{IRejectionTally.MetricsPerDay}");
    }

    [Fact]
    public void RecordsForDaysAfterTodayOrWithNamesNoMetricCanHaveAreLeftOut()
    {
        IncomingRecord[] records =
        [
            Record("m", "2026-05-11"), Record("m", "9999-12-31"), Record(new string('m', 257), "2026-05-10"),
            Record(new string('m', 256), "2026-05-10"), Record("m", "2026-05-10"),
        ];
        Assert.Equal(
            [new(new string('m', 256), Today, 1), new RejectedCount("m", Today, 1)],
            RejectedCounts.Of(records, Oldest, Today));
    }
}
