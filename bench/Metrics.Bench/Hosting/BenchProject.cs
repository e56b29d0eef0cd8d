using Grpc.Core;

namespace Metrics.Bench.Hosting;

/// <summary>
/// A project every node of the run is configured with. Each scenario writes to a project of its own, so no
/// scenario sees another's watermark, Logstream or readiness grain.
/// </summary>
public sealed record BenchProject(string Name)
{
    public static readonly BenchProject Ingest = new("bench");
    public static readonly BenchProject Json = new("bench-json");
    public static readonly BenchProject DayGrowth = new("bench-day");
    public static readonly BenchProject Logstream = new("bench-stream");
    public static readonly BenchProject Warmup = new("bench-warmup");

    /// <summary>S9's projects; the large one with quotas above the 100,000 metric names it holds.</summary>
    public static readonly BenchProject CatalogSmall = new("bench-catalog-small");
    public static readonly BenchProject CatalogLarge = new("bench-catalog-large");

    /// <summary>S10's projects: one floods the node, the other's latency is measured meanwhile.</summary>
    public static readonly BenchProject Quiet = new("bench-quiet");
    public static readonly BenchProject Hostile = new("bench-hostile");

    /// <summary>The failover scenarios' projects: their grains spread over the nodes of the cluster.</summary>
    public static readonly IReadOnlyList<BenchProject> Failover = Enumerable.Range(0, 12).Select(i => new BenchProject($"bench-failover-{i:00}")).ToList();

    public static readonly IReadOnlyList<BenchProject> All = [Ingest, Json, DayGrowth, Logstream, Warmup, CatalogSmall, CatalogLarge, Quiet, Hostile, .. Failover];

    public string ServerSecret => $"secret-{Name}";

    public string IngestKey => $"ingest-{Name}";

    public const string KeyHeader = "statsig-api-key";

    public Metadata IngestHeaders => new() { { KeyHeader, IngestKey } };

    public Metadata SecretHeaders => new() { { KeyHeader, ServerSecret } };
}
