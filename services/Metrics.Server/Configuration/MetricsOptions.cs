using Metrics.Imports.Sources;

namespace Metrics.Server.Configuration;

/// <summary>The <c>Metrics</c> configuration section.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Projects by name, each with its keys and ID types.</summary>
    public Dictionary<string, ProjectOptions> Projects { get; set; } = [];

    /// <summary>A StackExchange.Redis connection string; absent means the embedded, in-memory mode.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// The largest request accepted, in bytes: a gRPC message, or a JSON body. The largest valid request — 10,000
    /// ratio records with 256-byte user IDs and metric names of 128 four-byte characters — takes about 8.2 MB as
    /// protobuf and 9.2 MB as JSON: 16 MiB holds it with room to spare, and bounds what one call can make the
    /// server buffer.
    /// </summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    public OrleansOptions Orleans { get; set; } = new();

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>The quotas of every project, unless the project sets its own (<see cref="ProjectOptions.Quotas"/>).</summary>
    public QuotaOptions Quotas { get; set; } = new();
}

public sealed class ProjectOptions
{
    public string[] ServerSecrets { get; set; } = [];

    public string[] IngestKeys { get; set; } = [];

    /// <summary>Empty means the defaults, user_id and stable_id.</summary>
    public string[] IdTypes { get; set; } = [];

    /// <summary>This project's own quotas; each one not set here is the one of <see cref="MetricsOptions.Quotas"/>.</summary>
    public ProjectQuotaOptions Quotas { get; set; } = new();

    /// <summary>The sources its imports read, by name (SPEC §5): configured here, never sent over the API, as they hold credentials.</summary>
    public Dictionary<string, SourceOptions> Sources { get; set; } = [];
}

public sealed class OrleansOptions
{
    /// <summary>The Orleans service ID of every node: the pods' <c>orleans/serviceId</c> label in Kubernetes.</summary>
    public const string ServiceId = "metrics";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "metrics";

    /// <summary>
    /// The IP address or host name other nodes reach this one on (Redis deployment). A loopback address keeps the
    /// silo on loopback; any other makes it listen on every interface.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Redis deployment in Kubernetes: Orleans' Kubernetes hosting names the silo after its pod and declares dead the
    /// silos whose pods are gone (deploy/kubernetes).
    /// </summary>
    public bool Kubernetes { get; set; }
}

public sealed class RateLimitOptions
{
    /// <summary>Requests a second each key may make, on each node; 0 (the default) turns the limit off.</summary>
    public int RequestsPerSecond { get; set; }

    /// <summary>Requests a key may make at once after a quiet spell; 0 means <see cref="RequestsPerSecond"/>.</summary>
    public int Burst { get; set; }
}
