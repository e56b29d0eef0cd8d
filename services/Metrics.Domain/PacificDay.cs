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

    /// <summary>Exactly <c>YYYY-MM-DD</c>, a real calendar day. Parsed by hand: it runs for every ingested record.</summary>
    public static bool TryParse(string text, out PacificDay day)
    {
        day = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text.AsSpan(0, 4), out var year) || !TryDigits(text.AsSpan(5, 2), out var month) || !TryDigits(text.AsSpan(8, 2), out var dayOfMonth)
            || year < 1 || month is < 1 or > 12 || dayOfMonth < 1 || dayOfMonth > DateTime.DaysInMonth(year, month))
            return false;
        day = new PacificDay(new DateOnly(year, month, dayOfMonth));
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
                return false;
            value = value * 10 + (c - '0');
        }
        return true;
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
