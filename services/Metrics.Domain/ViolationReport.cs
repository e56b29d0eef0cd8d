using System.Text;

namespace Metrics.Domain;

/// <summary>
/// What a client is told about an invalid request: the first <see cref="MaxListed"/> violations and a one-line
/// message with the total count. gRPC carries both in HTTP/2 trailers, which clients accept only up to 8 KiB or so
/// (grpc-java's and the C core's default), so neither may grow with the request: the listed violations hold at most
/// <see cref="MaxDetailBytes"/> (a description repeating the one before is given as <see cref="SameAsAbove"/>, and the
/// list ends early rather than pass the bound), and the message at most <see cref="MaxMessageBytes"/>. A
/// 10,000-record request that is all wrong still gets an answer.
/// </summary>
public sealed record ViolationReport(string Message, IReadOnlyList<RecordViolation> Listed)
{
    public const int MaxListed = 100;

    /// <summary>Descriptions quote the client's own values (an unknown id_type, a malformed date): longer ones are cut.</summary>
    public const int MaxDescriptionLength = 300;

    /// <summary>The bound of the listed violations' paths and descriptions, in UTF-8 bytes with their protobuf framing.</summary>
    public const int MaxDetailBytes = 3900;

    /// <summary>The bound of the message, in UTF-8 bytes.</summary>
    public const int MaxMessageBytes = 600;

    /// <summary>The description of a listed violation whose own is the one listed just before it.</summary>
    public const string SameAsAbove = "as above";

    /// <summary>Violations the message itself names; the rest are in the listed details.</summary>
    private const int Named = 3;

    /// <summary>A field violation's framing in <c>google.rpc.BadRequest</c>: a tag and a length for it and for each of its two strings.</summary>
    private const int FramingBytes = 6;

    /// <summary>The report of <paramref name="violations"/>, given in record order (as <see cref="RecordValidator"/> gives them).</summary>
    public static ViolationReport Of(IReadOnlyList<RecordViolation> violations)
    {
        var listed = ListWithinBound(violations);
        var records = RecordViolation.FirstOfEachRecord(violations).Count();
        var count = $"{violations.Count} invalid field(s)" + (records > 0 ? $" in {records} record(s)" : "");
        var extent = violations.Count > listed.Count ? $"; the first {listed.Count} are listed in the details" : "";
        var named = string.Join("; ", violations.Take(Named).Select(v => $"{v.Path}: {Shorten(v.Description)}"));
        var message = $"{count}{extent}: {named}{(violations.Count > Named ? "; ..." : "")}";
        return new ViolationReport(Cut(message, MaxMessageBytes), listed);
    }

    public static string Shorten(string description) =>
        description.Length <= MaxDescriptionLength ? description : string.Concat(description.AsSpan(0, MaxDescriptionLength - 1), "…");

    private static List<RecordViolation> ListWithinBound(IReadOnlyList<RecordViolation> violations)
    {
        var listed = new List<RecordViolation>();
        var bytes = 0;
        string? previous = null;
        foreach (var violation in violations.Take(MaxListed))
        {
            var description = Shorten(violation.Description);
            var shown = description == previous ? SameAsAbove : description;
            bytes += Encoding.UTF8.GetByteCount(violation.Path) + Encoding.UTF8.GetByteCount(shown) + FramingBytes;
            // The first always fits: a path and a cut description are far below the bound.
            if (bytes > MaxDetailBytes && listed.Count > 0)
                break;
            listed.Add(violation with { Description = shown });
            previous = description;
        }
        return listed;
    }

    /// <summary>The longest start of <paramref name="text"/> within <paramref name="maxBytes"/> UTF-8 bytes, ending in "…" when cut.</summary>
    private static string Cut(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
            return text;
        var length = 0;
        var bytes = Encoding.UTF8.GetByteCount("…");
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
                break;
            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }
        return string.Concat(text.AsSpan(0, length), "…");
    }
}
