using System.Globalization;

namespace Metrics.Bench.Load;

/// <summary>Pacific days (America/Los_Angeles), as the service counts them.</summary>
public static class PacificCalendar
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    public static string DateOf(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The Pacific day <paramref name="days"/> days before today.</summary>
    public static string DaysAgo(int days) =>
        DateOnly.ParseExact(DateOf(DateTimeOffset.UtcNow), "yyyy-MM-dd", CultureInfo.InvariantCulture)
            .AddDays(-days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The Pacific midnight that ends the day, in unix seconds: the watermark that seals it.</summary>
    public static long EndOf(string date)
    {
        var next = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1);
        var utc = TimeZoneInfo.ConvertTimeToUtc(next.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), Zone);
        return new DateTimeOffset(utc).ToUnixTimeSeconds();
    }
}
