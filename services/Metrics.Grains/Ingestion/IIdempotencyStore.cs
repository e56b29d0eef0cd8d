using Metrics.Domain;

namespace Metrics.Grains.Ingestion;

/// <summary>
/// Remembers, per project and for at least their retention, which request each idempotency key names (by its
/// <see cref="Metrics.Domain.RequestFingerprint"/>) and whether that request was applied whole.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Binds the key to the request, ingested on <paramref name="ingestionDay"/>, atomically — unless it is bound
    /// already: then says to which request, how far it got, and the day it was first ingested on.
    /// </summary>
    Task<KeyClaim> ClaimAsync(string project, string key, string fingerprint, PacificDay ingestionDay);

    Task MarkAppliedAsync(string project, string key, string fingerprint, PacificDay ingestionDay);

    /// <summary>Unbinds the key unless it was applied since or names another request: for a request refused before anything of it was applied.</summary>
    Task ReleaseAsync(string project, string key, string fingerprint, PacificDay ingestionDay);
}
