using Metrics.Domain;

namespace Metrics.Domain.Tests;

public class WatermarkTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private static long NowSeconds => Now.ToUnixTimeSeconds();

    [Theory]
    [InlineData("2026-01-15", 1768550400L)] // ends 2026-01-16T08:00:00Z
    [InlineData("2026-03-08", 1773039600L)] // 23-hour day, ends 2026-03-09T07:00:00Z
    [InlineData("2026-11-01", 1793606400L)] // 25-hour day, ends 2026-11-02T08:00:00Z
    public void Seals_OnlyOnceWatermarkReachesEndOfDay(string date, long end)
    {
        var day = PacificDay.Parse(date);
        Assert.False(Watermark.Seals(end - 1, day));
        Assert.True(Watermark.Seals(end, day));
        Assert.True(Watermark.Seals(end + 1, day));
    }

    [Fact]
    public void Seals_FalseAtStartOfDay()
    {
        var day = PacificDay.Parse("2026-01-15");
        Assert.False(Watermark.Seals(day.Start.ToUnixTimeSeconds(), day));
        Assert.False(Watermark.Seals(0, day));
    }

    [Fact]
    public void Seals_SealsEarlierDaysToo()
    {
        var watermark = PacificDay.Parse("2026-03-08").EndUnixSeconds;
        Assert.True(Watermark.Seals(watermark, PacificDay.Parse("2026-03-01")));
        Assert.False(Watermark.Seals(watermark, PacificDay.Parse("2026-03-09")));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(-1768464000L)]
    public void LastSealedDay_NullBeforeAnyWatermark(long watermark)
    {
        Assert.Null(Watermark.LastSealedDay(watermark));
    }

    [Theory]
    [InlineData(1773039600L, "2026-03-08")] // exactly the end of 2026-03-08
    [InlineData(1773039599L, "2026-03-07")] // one second short
    [InlineData(1768464000L, "2026-01-14")] // exactly Pacific midnight opening 2026-01-15
    [InlineData(1768507200L, "2026-01-14")] // 2026-01-15T20:00Z, mid-day 2026-01-15
    [InlineData(1793606400L, "2026-11-01")] // end of the 25-hour day
    [InlineData(1793606399L, "2026-10-31")]
    public void LastSealedDay_IsLatestDayWhoseEndIsReached(long watermark, string expected)
    {
        var last = Watermark.LastSealedDay(watermark);
        Assert.NotNull(last);
        Assert.Equal(expected, last.Value.ToString());
        Assert.True(Watermark.Seals(watermark, last.Value));
        Assert.False(Watermark.Seals(watermark, last.Value.Next));
    }

    [Fact]
    public void Invalid_Zero()
    {
        Assert.NotNull(Watermark.Invalid(0, Now));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(-1768464000L)]
    [InlineData(long.MinValue)]
    public void Invalid_Negative(long timestamp)
    {
        Assert.NotNull(Watermark.Invalid(timestamp, Now));
    }

    [Fact]
    public void Invalid_MillisecondsAreCalledOut()
    {
        var millis = Now.ToUnixTimeMilliseconds();
        var message = Watermark.Invalid(millis, Now);
        Assert.NotNull(message);
        Assert.Contains("milliseconds", message);
    }

    [Fact]
    public void Invalid_PastMillisecondsAreCalledOutToo()
    {
        // A past instant in milliseconds is still far "in the future" as seconds; it must say milliseconds.
        var message = Watermark.Invalid(1_600_000_000_000, Now);
        Assert.NotNull(message);
        Assert.Contains("milliseconds", message);
    }

    [Fact]
    public void Invalid_MoreThanFiveMinutesAhead()
    {
        var message = Watermark.Invalid(NowSeconds + 301, Now);
        Assert.NotNull(message);
        Assert.DoesNotContain("milliseconds", message);
        Assert.NotNull(Watermark.Invalid(NowSeconds + 3600, Now));
    }

    [Theory]
    [InlineData(300L)]
    [InlineData(299L)]
    [InlineData(0L)]
    [InlineData(-86400L)]
    public void Invalid_AllowsUpToFiveMinutesAheadAndThePast(long offset)
    {
        Assert.Null(Watermark.Invalid(NowSeconds + offset, Now));
    }

    [Fact]
    public void Invalid_NullForOrdinaryPastValue()
    {
        Assert.Null(Watermark.Invalid(1768464000L, Now)); // 2026-01-15T08:00:00Z
        Assert.Null(Watermark.Invalid(1L, Now));
    }

    [Fact]
    public void Backward_RefusesMovingBackAndNamesCurrentWatermark()
    {
        var message = Watermark.Backward(1768464000L, 1768463999L);
        Assert.NotNull(message);
        Assert.Contains("1768464000", message);
    }

    [Theory]
    [InlineData(1768464000L, 1768464000L)] // equal: allowed no-op
    [InlineData(1768464000L, 1768464001L)] // forward
    [InlineData(0L, 1L)]
    public void Backward_NullWhenEqualOrForward(long current, long timestamp)
    {
        Assert.Null(Watermark.Backward(current, timestamp));
    }
}
