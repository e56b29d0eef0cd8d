using Metrics.Domain;

namespace Metrics.Grains.Ingestion;

/// <summary>
/// What claiming an idempotency key found, and the Pacific day of ingestion of the request the key names: its
/// first attempt's, which a retry's records without a <c>date</c> count for, even after Pacific midnight.
/// </summary>
public readonly record struct KeyClaim(IdempotencyClaim Status, PacificDay IngestionDay);
