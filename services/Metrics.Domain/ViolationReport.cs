namespace Metrics.Domain;

/// <summary>
/// What a client is told about an invalid request: the first <see cref="MaxListed"/> violations and a one-line
/// message with the total count. gRPC carries both in HTTP/2 trailers, which clients accept only up to a few
/// kilobytes, so neither may grow with the request: a 10,000-record request that is all wrong still gets an answer.
/// </summary>
public sealed record ViolationReport(string Message, IReadOnlyList<RecordViolation> Listed)
{
    public const int MaxListed = 100;

    /// <summary>Descriptions quote the client's own values (an unknown id_type, a malformed date): longer ones are cut.</summary>
    public const int MaxDescriptionLength = 300;

    /// <summary>Violations the message itself names; the rest are in the listed details.</summary>
    private const int Named = 3;

    public static ViolationReport Of(IReadOnlyList<RecordViolation> violations)
    {
        var listed = violations.Take(MaxListed).Select(v => v with { Description = Shorten(v.Description) }).ToList();
        var records = violations.Where(v => v.Index >= 0).Select(v => v.Index).Distinct().Count();
        var count = $"{violations.Count} invalid field(s)" + (records > 0 ? $" in {records} record(s)" : "");
        var extent = violations.Count > MaxListed ? $"; the first {MaxListed} are listed in the details" : "";
        var named = string.Join("; ", listed.Take(Named).Select(v => $"{v.Path}: {v.Description}"));
        return new ViolationReport($"{count}{extent}: {named}{(violations.Count > Named ? "; ..." : "")}", listed);
    }

    public static string Shorten(string description) =>
        description.Length <= MaxDescriptionLength ? description : string.Concat(description.AsSpan(0, MaxDescriptionLength - 1), "…");
}
