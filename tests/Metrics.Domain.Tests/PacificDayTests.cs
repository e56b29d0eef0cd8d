using Metrics.Domain;

namespace Metrics.Domain.Tests;

public class PacificDayTests
{
    private static PacificDay Day(int y, int m, int d) => new(new DateOnly(y, m, d));

    [Theory]
    // PST (UTC-8): Pacific midnight is 08:00Z.
    [InlineData("2026-01-15T07:59:59Z", "2026-01-14")]
    [InlineData("2026-01-15T08:00:00Z", "2026-01-15")]
    [InlineData("2026-01-15T00:00:00Z", "2026-01-14")]
    [InlineData("2026-01-16T07:59:59Z", "2026-01-15")]
    // PDT (UTC-7): Pacific midnight is 07:00Z.
    [InlineData("2026-07-01T06:59:59Z", "2026-06-30")]
    [InlineData("2026-07-01T07:00:00Z", "2026-07-01")]
    [InlineData("2026-07-01T07:59:59Z", "2026-07-01")]
    // Around the DST changes.
    [InlineData("2026-03-09T06:59:59Z", "2026-03-08")]
    [InlineData("2026-03-09T07:00:00Z", "2026-03-09")]
    [InlineData("2026-11-02T07:59:59Z", "2026-11-01")]
    [InlineData("2026-11-02T08:00:00Z", "2026-11-02")]
    public void Of_ReturnsPacificCalendarDay(string instant, string expected)
    {
        var day = PacificDay.Of(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, day.ToString());
    }

    [Fact]
    public void Of_WorksWithNonUtcOffsets()
    {
        // 2026-01-15 01:00 in UTC+9 is 2026-01-14T16:00Z, which is 08:00 on 2026-01-14 in Los Angeles.
        Assert.Equal(Day(2026, 1, 14), PacificDay.Of(new DateTimeOffset(2026, 1, 15, 1, 0, 0, TimeSpan.FromHours(9))));
    }

    [Theory]
    [InlineData(1768463999L, "2026-01-14")] // 2026-01-15T07:59:59Z
    [InlineData(1768464000L, "2026-01-15")] // 2026-01-15T08:00:00Z
    [InlineData(1773039599L, "2026-03-08")]
    [InlineData(1773039600L, "2026-03-09")]
    public void OfUnixSeconds_ReturnsPacificCalendarDay(long seconds, string expected)
    {
        Assert.Equal(expected, PacificDay.OfUnixSeconds(seconds).ToString());
    }

    [Fact]
    public void NormalWinterDay_Is24Hours()
    {
        var day = Day(2026, 1, 15);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 8, 0, 0, TimeSpan.Zero), day.Start);
        Assert.Equal(TimeSpan.FromHours(-8), day.Start.Offset);
        Assert.Equal(new DateTimeOffset(2026, 1, 16, 8, 0, 0, TimeSpan.Zero), day.End);
        Assert.Equal(TimeSpan.FromHours(24), day.Length);
        Assert.Equal(1768550400L, day.EndUnixSeconds); // 2026-01-16T08:00:00Z
    }

    [Fact]
    public void NormalSummerDay_Is24HoursAtOffsetMinus7()
    {
        var day = Day(2026, 7, 1);
        Assert.Equal(TimeSpan.FromHours(-7), day.Start.Offset);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 7, 0, 0, TimeSpan.Zero), day.Start);
        Assert.Equal(new DateTimeOffset(2026, 7, 2, 7, 0, 0, TimeSpan.Zero), day.End);
        Assert.Equal(TimeSpan.FromHours(24), day.Length);
    }

    [Fact]
    public void SpringForwardDay_Is23Hours()
    {
        var day = Day(2026, 3, 8);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 8, 0, 0, TimeSpan.Zero), day.Start);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 7, 0, 0, TimeSpan.Zero), day.End);
        Assert.Equal(TimeSpan.FromHours(23), day.Length);
        Assert.Equal(1772956800L, day.Start.ToUnixTimeSeconds()); // 2026-03-08T08:00:00Z
        Assert.Equal(1773039600L, day.EndUnixSeconds);            // 2026-03-09T07:00:00Z
    }

    [Fact]
    public void FallBackDay_Is25Hours()
    {
        var day = Day(2026, 11, 1);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 7, 0, 0, TimeSpan.Zero), day.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero), day.End);
        Assert.Equal(TimeSpan.FromHours(25), day.Length);
        Assert.Equal(1793516400L, day.Start.ToUnixTimeSeconds()); // 2026-11-01T07:00:00Z
        Assert.Equal(1793606400L, day.EndUnixSeconds);            // 2026-11-02T08:00:00Z
    }

    [Fact]
    public void End_IsStartOfNextDay()
    {
        var day = Day(2026, 3, 8);
        Assert.Equal(Day(2026, 3, 9), day.Next);
        Assert.Equal(Day(2026, 3, 7), day.Previous);
        Assert.Equal(day.Next.Start, day.End);
        Assert.Equal(day, PacificDay.Of(day.End.AddSeconds(-1)));
        Assert.Equal(day.Next, PacificDay.Of(day.End));
    }

    [Fact]
    public void NextAndPrevious_CrossMonthAndYear()
    {
        Assert.Equal(Day(2027, 1, 1), Day(2026, 12, 31).Next);
        Assert.Equal(Day(2024, 2, 29), Day(2024, 3, 1).Previous);
    }

    [Theory]
    [InlineData("2026-02-03", 2026, 2, 3)]
    [InlineData("2024-02-29", 2024, 2, 29)]
    [InlineData("2026-12-31", 2026, 12, 31)]
    public void TryParse_AcceptsYyyyMmDd(string text, int y, int m, int d)
    {
        Assert.True(PacificDay.TryParse(text, out var day));
        Assert.Equal(Day(y, m, d), day);
        Assert.Equal(Day(y, m, d), PacificDay.Parse(text));
    }

    [Theory]
    [InlineData("2026-2-3")]
    [InlineData("2026-02-3")]
    [InlineData("2026-2-03")]
    [InlineData("2026-02-30")]
    [InlineData("2026-02-29")]
    [InlineData("2026-13-01")]
    [InlineData("")]
    [InlineData("20260203")]
    [InlineData("2026-02-03T00:00")]
    [InlineData("2026/02/03")]
    [InlineData(" 2026-02-03")]
    [InlineData("2026-02-03 ")]
    [InlineData("03-02-2026")]
    [InlineData("yesterday")]
    public void TryParse_RejectsAnythingElse(string text)
    {
        Assert.False(PacificDay.TryParse(text, out _));
        Assert.Throws<FormatException>(() => PacificDay.Parse(text));
    }

    [Theory]
    [InlineData("2026-01-05")]
    [InlineData("2026-11-01")]
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31")]
    public void ToString_RoundTrips(string text)
    {
        Assert.Equal(text, PacificDay.Parse(text).ToString());
    }

    [Fact]
    public void ToString_IsZeroPaddedIsoDate()
    {
        Assert.Equal("2026-02-03", Day(2026, 2, 3).ToString());
    }

    [Fact]
    public void OrderingOperators_FollowTheCalendar()
    {
        var a = Day(2026, 1, 31);
        var b = Day(2026, 2, 1);
        var a2 = Day(2026, 1, 31);

        Assert.True(a < b);
        Assert.False(b < a);
        Assert.False(a < a2);
        Assert.True(b > a);
        Assert.False(a > b);
        Assert.False(a > a2);
        Assert.True(a <= b);
        Assert.True(a <= a2);
        Assert.False(b <= a);
        Assert.True(b >= a);
        Assert.True(a >= a2);
        Assert.False(a >= b);
        Assert.True(a == a2);
        Assert.True(a != b);
        Assert.True(a.CompareTo(b) < 0);
        Assert.True(b.CompareTo(a) > 0);
        Assert.Equal(0, a.CompareTo(a2));
    }

    [Fact]
    public void Sorting_UsesCalendarOrder()
    {
        var days = new[] { Day(2026, 3, 1), Day(2025, 12, 31), Day(2026, 2, 28) };
        var sorted = days.Order().Select(d => d.ToString()).ToArray();
        Assert.Equal(new[] { "2025-12-31", "2026-02-28", "2026-03-01" }, sorted);
    }
}
