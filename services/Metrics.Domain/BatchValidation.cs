namespace Metrics.Domain;

/// <summary>The outcome of validating a request: valid records, or every violation found.</summary>
public sealed record BatchValidation(IReadOnlyList<ValidRecord> Records, IReadOnlyList<RecordViolation> Violations)
{
    public bool IsValid => Violations.Count == 0;

    public string Summary => IsValid ? "valid" : ViolationReport.Of(Violations).Message;

    /// <summary>
    /// The valid records with those of <paramref name="records"/> that name no <c>date</c> counted for
    /// <paramref name="day"/>, the request's first day of ingestion, instead of the day they were validated on.
    /// </summary>
    public BatchValidation IngestedOn(PacificDay day, IReadOnlyList<IncomingRecord> records) => this with
    {
        Records = Records.Select((r, i) => string.IsNullOrEmpty(records[i].Date) && r.Day != day ? r with { Day = day } : r).ToList(),
    };
}
