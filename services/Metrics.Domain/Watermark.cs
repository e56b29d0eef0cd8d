namespace Metrics.Domain;

/// <summary>
/// The readiness watermark in unix seconds: every metric before it has been uploaded. A day is sealed once the
/// watermark reaches its end, the next Pacific midnight.
/// </summary>
public static class Watermark
{
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);

    /// <summary>Beyond this, a timestamp is taken for milliseconds (in seconds it would be past the year 5000).</summary>
    private const long MillisecondsThreshold = 100_000_000_000;

    public static bool Seals(long watermark, PacificDay day) => watermark >= day.EndUnixSeconds;

    /// <summary>The latest day the watermark has sealed, or null before any.</summary>
    public static PacificDay? LastSealedDay(long watermark) =>
        watermark <= 0 ? null : PacificDay.OfUnixSeconds(watermark).Previous;

    /// <summary>Why a requested timestamp can never be a watermark, or null when it can.</summary>
    public static string? Invalid(long timestamp, DateTimeOffset now)
    {
        if (timestamp <= 0)
            return $"timestamp must be a positive unix time in seconds, got {timestamp}";
        if (timestamp >= MillisecondsThreshold)
            return $"timestamp {timestamp} looks like milliseconds; send unix seconds ({timestamp / 1000})";
        var limit = now + MaxAhead;
        if (timestamp > limit.ToUnixTimeSeconds())
            return $"timestamp {timestamp} is more than {MaxAhead.TotalMinutes:0} minutes in the future (now {now.ToUnixTimeSeconds()})";
        return null;
    }

    /// <summary>Why moving from <paramref name="current"/> to <paramref name="timestamp"/> is refused, or null.</summary>
    public static string? Backward(long current, long timestamp) =>
        timestamp < current
            ? $"timestamp {timestamp} is before the current watermark {current}; the watermark only moves forward"
            : null;
}
