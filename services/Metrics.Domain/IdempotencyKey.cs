namespace Metrics.Domain;

/// <summary>A client's name for one ingest request; a retry with the same key is applied at most once.</summary>
public static class IdempotencyKey
{
    public const int MaxLength = 256;

    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public static RecordViolation? Check(string key) =>
        key.Length > MaxLength
            ? new RecordViolation(-1, "idempotency_key", $"idempotency_key is longer than {MaxLength} characters")
            : null;
}
