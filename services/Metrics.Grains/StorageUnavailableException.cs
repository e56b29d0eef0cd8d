namespace Metrics.Grains;

/// <summary>
/// The durable store could not be reached, or did not answer in time. Retryable: nothing was acknowledged, and a
/// retry with the same idempotency key never counts twice.
/// </summary>
[GenerateSerializer]
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
