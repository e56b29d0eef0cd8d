namespace Metrics.Bench.Hosting;

/// <summary>
/// The projects every node of the run is configured with. Each scenario writes to a project of its own, so no
/// scenario sees another's watermark, Logstream or readiness grain.
/// </summary>
public static class BenchProject
{
    public static readonly ProjectKeys Ingest = new("bench");
    public static readonly ProjectKeys Json = new("bench-json");
    public static readonly ProjectKeys DayGrowth = new("bench-day");
    public static readonly ProjectKeys Logstream = new("bench-stream");
    public static readonly ProjectKeys Warmup = new("bench-warmup");

    /// <summary>S9's projects; the large one with quotas above the 100,000 metric names it holds.</summary>
    public static readonly ProjectKeys CatalogSmall = new("bench-catalog-small");
    public static readonly ProjectKeys CatalogLarge = new("bench-catalog-large");

    /// <summary>S10's projects: one floods the node, the other's latency is measured meanwhile.</summary>
    public static readonly ProjectKeys Quiet = new("bench-quiet");
    public static readonly ProjectKeys Hostile = new("bench-hostile");

    /// <summary>IMPORT's project, whose source is the run's PostgreSQL.</summary>
    public static readonly ProjectKeys Import = new("bench-import");

    /// <summary>IMPORT_FILES's project, whose source is a directory of the run's.</summary>
    public static readonly ProjectKeys ImportFiles = new("bench-import-files");

    /// <summary>CLI_UPLOAD's: the rows <c>metrics upload</c> sends.</summary>
    public static readonly ProjectKeys CliUpload = new("bench-cli-upload");

    /// <summary>CONSOLE's project: the catalog the browser renders and the flood its Logstream page shows.</summary>
    public static readonly ProjectKeys Console = new("bench-console");

    /// <summary>TELEMETRY's: S1's day in <see cref="Ingest"/> is sealed by S5 before it runs.</summary>
    public static readonly ProjectKeys Telemetry = new("bench-telemetry");

    /// <summary>SCALE's: one a cluster size, so that each size starts from a project of its own.</summary>
    public static readonly IReadOnlyList<ProjectKeys> Scale = Enumerable.Range(1, 3).Select(n => new ProjectKeys($"bench-scale-{n}")).ToList();

    /// <summary>The failover scenarios' projects: their grains spread over the nodes of the cluster.</summary>
    public static readonly IReadOnlyList<ProjectKeys> Failover = Enumerable.Range(0, 12).Select(i => new ProjectKeys($"bench-failover-{i:00}")).ToList();

    public static readonly IReadOnlyList<ProjectKeys> All = [Ingest, Json, DayGrowth, Logstream, Warmup, CatalogSmall, CatalogLarge, Quiet, Hostile, Import, ImportFiles, CliUpload, Console, Telemetry, .. Scale, .. Failover];
}
