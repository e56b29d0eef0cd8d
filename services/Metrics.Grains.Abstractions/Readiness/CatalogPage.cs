namespace Metrics.Grains.Readiness;

/// <summary>One page of the catalog in name order; <see cref="More"/> when entries follow the last one.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogPage(CatalogEntry[] Entries, bool More);
