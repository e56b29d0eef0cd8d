using System.Globalization;

namespace Metrics.Testing;

/// <summary>Pacific days (America/Los_Angeles) for tests and the benchmark, computed independently of the server's own calendar code.</summary>
public static class PacificTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    /// <summary>The Pacific midnight that opens the day, in unix seconds.</summary>
    public static long StartOf(string date) => Midnight(Parse(date));

    /// <summary>The next Pacific midnight after the day starts, in unix seconds.</summary>
    public static long EndOf(string date) => Midnight(Parse(date).AddDays(1));

    /// <summary>The Pacific day of an instant, as YYYY-MM-DD.</summary>
    public static string DateOf(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// The current Pacific day, read at least <paramref name="margin"/> before its end — waiting for the next day when
    /// closer — so that a call made right after it is handled on the same Pacific day by the server.
    /// </summary>
    public static async Task<DateOnly> TodayAwayFromMidnightAsync(TimeSpan margin)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).DateTime);
        var untilMidnight = DateTimeOffset.FromUnixTimeSeconds(Midnight(today.AddDays(1))) - DateTimeOffset.UtcNow;
        if (untilMidnight > margin)
            return today;
        await Task.Delay(untilMidnight + TimeSpan.FromSeconds(1));
        return today.AddDays(1);
    }

    /// <summary>The Pacific day <paramref name="days"/> days before today, as YYYY-MM-DD.</summary>
    public static string DaysAgo(int days) =>
        Parse(DateOf(DateTimeOffset.UtcNow)).AddDays(-days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Parse(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static long Midnight(DateOnly day) =>
        new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), Zone)).ToUnixTimeSeconds();
}
