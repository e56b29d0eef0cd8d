namespace Metrics.Grains.Ingestion;

/// <summary>
/// Remembers, per project and for at least their retention, which request each idempotency key names (by its
/// <see cref="Metrics.Domain.RequestFingerprint"/>) and whether that request was applied whole.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>Binds the key to the request atomically, unless it is bound already: then says to which request, and how far.</summary>
    Task<IdempotencyClaim> ClaimAsync(string project, string key, string fingerprint);

    Task MarkAppliedAsync(string project, string key, string fingerprint);
}
