using System.Globalization;

namespace Metrics.Domain;

/// <summary>A calendar day in America/Los_Angeles. Days last 23, 24 or 25 hours.</summary>
public readonly record struct PacificDay(DateOnly Date) : IComparable<PacificDay>
{
    private const string Format = "yyyy-MM-dd";

    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    public static PacificDay Of(DateTimeOffset instant) =>
        new(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime));

    public static PacificDay OfUnixSeconds(long seconds) => Of(DateTimeOffset.FromUnixTimeSeconds(seconds));

    public static bool TryParse(string text, out PacificDay day)
    {
        var ok = DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date);
        day = new PacificDay(date);
        return ok;
    }

    public static PacificDay Parse(string text) =>
        TryParse(text, out var day) ? day : throw new FormatException($"'{text}' is not a YYYY-MM-DD date");

    /// <summary>Pacific midnight that opens the day. Midnight never falls in a DST gap here (changes happen at 02:00).</summary>
    public DateTimeOffset Start
    {
        get
        {
            var midnight = Date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(midnight, Zone.GetUtcOffset(midnight));
        }
    }

    /// <summary>The next Pacific midnight: the instant the watermark must reach to seal this day.</summary>
    public DateTimeOffset End => Next.Start;

    public long EndUnixSeconds => End.ToUnixTimeSeconds();

    public PacificDay Next => new(Date.AddDays(1));

    public PacificDay Previous => new(Date.AddDays(-1));

    public TimeSpan Length => End - Start;

    public int CompareTo(PacificDay other) => Date.CompareTo(other.Date);

    public static bool operator <(PacificDay a, PacificDay b) => a.CompareTo(b) < 0;
    public static bool operator >(PacificDay a, PacificDay b) => a.CompareTo(b) > 0;
    public static bool operator <=(PacificDay a, PacificDay b) => a.CompareTo(b) <= 0;
    public static bool operator >=(PacificDay a, PacificDay b) => a.CompareTo(b) >= 0;

    public override string ToString() => Date.ToString(Format, CultureInfo.InvariantCulture);
}
