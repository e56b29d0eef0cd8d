namespace Metrics.Grains.Ingestion;

/// <summary>What claiming an idempotency key for a request found.</summary>
public enum IdempotencyClaim
{
    /// <summary>The key was free: it now names this request.</summary>
    Claimed,

    /// <summary>The key names this request, which may be in flight or may have failed half-way: applying it again is safe.</summary>
    ClaimedBefore,

    /// <summary>The key names this request, which was applied whole.</summary>
    Applied,

    /// <summary>The key names a different request: this one is refused.</summary>
    OtherRequest,
}
