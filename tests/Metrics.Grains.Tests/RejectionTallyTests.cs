using Metrics.Domain;
using Metrics.Grains.Health;

namespace Metrics.Grains.Tests;

/// <summary>
/// The embedded mode's rejection tally: counts per project, metric and day, bounded by names a day, and a day forgotten
/// once nothing was added to it for the retention (swept on a later add, at most hourly).
/// </summary>
public sealed class RejectionTallyTests
{
    private static readonly PacificDay Day = PacificDay.Parse("2026-05-01");

    [Fact]
    public async Task CountsAddUpAndAStaleDayIsForgottenOnlyAfterTheRetention()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 5, 2, 0, 0, 0, TimeSpan.Zero));
        var tally = new InMemoryRejectionTally(clock);
        await tally.AddAsync("p", [new RejectedCount("m", Day, 3)]);
        await tally.AddAsync("p", [new RejectedCount("m", Day, 4)]);
        Assert.Equal(7, await tally.CountAsync("p", "m", Day));
        Assert.Equal(0, await tally.CountAsync("q", "m", Day));

        clock.Now += IRejectionTally.Retention - TimeSpan.FromHours(2);
        await tally.AddAsync("q", [new RejectedCount("m", Day, 1)]);
        Assert.Equal(7, await tally.CountAsync("p", "m", Day));

        clock.Now += TimeSpan.FromHours(3);
        await tally.AddAsync("q", [new RejectedCount("m", Day, 1)]);
        Assert.Equal(0, await tally.CountAsync("p", "m", Day));
        Assert.Equal(2, await tally.CountAsync("q", "m", Day));
    }

    [Fact]
    public async Task ADayKeepsAtMostItsNamesButAddsToThoseItHas()
    {
        var tally = new InMemoryRejectionTally(TimeProvider.System);
        await tally.AddAsync("p", Enumerable.Range(0, IRejectionTally.MetricsPerDay).Select(i => new RejectedCount($"m{i}", Day, 1)).ToList());
        await tally.AddAsync("p", [new RejectedCount("one_too_many", Day, 5), new RejectedCount("m0", Day, 5)]);
        Assert.Equal(0, await tally.CountAsync("p", "one_too_many", Day));
        Assert.Equal(6, await tally.CountAsync("p", "m0", Day));
    }
}
