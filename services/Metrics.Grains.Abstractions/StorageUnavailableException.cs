namespace Metrics.Grains;

/// <summary>
/// The durable store could not be reached, or did not answer in time. Retryable: nothing was acknowledged, and a
/// retry with the same idempotency key never counts twice. The message is the product's own sentence, for a
/// client; <see cref="Detail"/> is the store client's diagnosis, for the server log only.
/// </summary>
[GenerateSerializer]
public sealed class StorageUnavailableException(string message, string? detail = null) : Exception(message)
{
    [Id(0)]
    public string? Detail { get; } = detail;
}
