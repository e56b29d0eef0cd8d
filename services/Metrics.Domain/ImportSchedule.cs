using System.Globalization;
using System.Text.RegularExpressions;

namespace Metrics.Domain;

/// <summary>
/// When a <c>daily@HH:MM</c> schedule is due. The time is Pacific wall-clock time: on the day clocks skip an hour, a
/// time inside the skipped hour runs at the first instant after it; on the day an hour repeats, at its first occurrence.
/// </summary>
public static partial class ImportSchedule
{
    [GeneratedRegex("^daily@([01][0-9]|2[0-3]):([0-5][0-9])$")]
    private static partial Regex Daily();

    /// <summary>The Pacific time of day of a <c>daily@HH:MM</c> schedule; null when the text is not one.</summary>
    public static TimeOnly? Parse(string schedule)
    {
        var match = Daily().Match(schedule);
        return match.Success
            ? new TimeOnly(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>The latest instant at or before <paramref name="now"/> that the schedule names.</summary>
    public static DateTimeOffset LatestTick(TimeOnly at, DateTimeOffset now)
    {
        var today = PacificDay.Of(now);
        var tick = On(today, at);
        return tick <= now ? tick : On(today.Previous, at);
    }

    /// <summary>The schedule's instant on <paramref name="day"/>.</summary>
    public static DateTimeOffset On(PacificDay day, TimeOnly at)
    {
        var local = day.Date.ToDateTime(at, DateTimeKind.Unspecified);
        var zone = PacificDay.Zone;
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(1);
        // An ambiguous time has two offsets; the larger (daylight time) is its first occurrence.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
