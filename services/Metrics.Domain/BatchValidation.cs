namespace Metrics.Domain;

/// <summary>The outcome of validating a request: valid records, or every violation found.</summary>
public sealed record BatchValidation(IReadOnlyList<ValidRecord> Records, IReadOnlyList<RecordViolation> Violations)
{
    public bool IsValid => Violations.Count == 0;

    public string Summary => IsValid ? "valid" : ViolationReport.Of(Violations).Message;
}
