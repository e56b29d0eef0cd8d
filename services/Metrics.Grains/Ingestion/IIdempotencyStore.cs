namespace Metrics.Grains.Ingestion;

/// <summary>Remembers, per project, which idempotency keys were applied whole, for at least their retention.</summary>
public interface IIdempotencyStore
{
    Task<bool> IsAppliedAsync(string project, string key);

    Task MarkAppliedAsync(string project, string key);
}
