using Metrics.Domain;

namespace Metrics.Grains.Ingestion;

/// <summary>An ingest call as the ingestor receives it, authenticated for <see cref="Project"/>.</summary>
public sealed record IngestRequest(
    string Project,
    ProjectIdTypes IdTypes,
    bool IsTest,
    string IdempotencyKey,
    IReadOnlyList<IncomingRecord> Records);
