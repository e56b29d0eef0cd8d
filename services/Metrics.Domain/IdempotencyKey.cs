namespace Metrics.Domain;

/// <summary>
/// A client's name for one ingest request; a retry with the same key is applied at most once, and a different
/// request under the same key is refused.
/// </summary>
public static class IdempotencyKey
{
    public const int MaxLength = 256;

    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public static RecordViolation? Check(string key) =>
        key.Length > MaxLength
            ? new RecordViolation(-1, "idempotency_key", $"idempotency_key is longer than {MaxLength} characters")
            : null;

    public static RecordViolation NamesAnotherRequest(string key) => new(-1, "idempotency_key",
        $"idempotency_key \"{key}\" already names a different request in this project (keys are remembered {Retention.TotalDays} days): "
        + "a retry must repeat the request exactly, and new records need a new key");
}
