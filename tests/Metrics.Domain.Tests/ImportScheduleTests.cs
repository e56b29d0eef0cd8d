namespace Metrics.Domain.Tests;

public sealed class ImportScheduleTests
{
    private static readonly TimeOnly SixThirty = new(6, 30);

    [Theory]
    [InlineData("daily@06:30", 6, 30)]
    [InlineData("daily@00:00", 0, 0)]
    [InlineData("daily@23:59", 23, 59)]
    public void ADailyScheduleNamesItsTime(string schedule, int hour, int minute) =>
        Assert.Equal(new TimeOnly(hour, minute), ImportSchedule.Parse(schedule));

    [Theory]
    [InlineData("daily@24:00")]
    [InlineData("daily@6:30")]
    [InlineData("hourly")]
    [InlineData("daily@06:30 ")]
    [InlineData("")]
    public void AnythingElseIsNoSchedule(string schedule) => Assert.Null(ImportSchedule.Parse(schedule));

    [Fact]
    public void TheLatestTickIsTodaysOnceItsTimeHasComeElseYesterdays()
    {
        var before = DateTimeOffset.Parse("2026-06-10T06:29:59-07:00");
        var after = DateTimeOffset.Parse("2026-06-10T06:30:00-07:00");

        Assert.Equal(DateTimeOffset.Parse("2026-06-09T06:30:00-07:00"), ImportSchedule.LatestTick(SixThirty, before));
        Assert.Equal(after, ImportSchedule.LatestTick(SixThirty, after));
    }

    [Fact]
    public void TheTimeIsPacificWallClockTimeInWinterAndSummer()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-01-15T14:30:00Z"), ImportSchedule.On(PacificDay.Parse("2026-01-15"), SixThirty));
        Assert.Equal(DateTimeOffset.Parse("2026-07-15T13:30:00Z"), ImportSchedule.On(PacificDay.Parse("2026-07-15"), SixThirty));
    }

    [Fact]
    public void ATimeInTheSkippedHourRunsJustAfterItAndARepeatedOneAtItsFirstOccurrence()
    {
        // 2026-03-08: 02:00 PST becomes 03:00 PDT. 2026-11-01: 02:00 PDT becomes 01:00 PST.
        Assert.Equal(DateTimeOffset.Parse("2026-03-08T03:00:00-07:00"), ImportSchedule.On(PacificDay.Parse("2026-03-08"), new TimeOnly(2, 30)));
        Assert.Equal(DateTimeOffset.Parse("2026-11-01T01:30:00-07:00"), ImportSchedule.On(PacificDay.Parse("2026-11-01"), new TimeOnly(1, 30)));
    }
}
