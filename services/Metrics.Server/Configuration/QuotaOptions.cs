using Metrics.Domain;

namespace Metrics.Server.Configuration;

/// <summary><c>Metrics:Quotas</c>: what each project may hold, by default (<see cref="ProjectQuotas.Defaults"/>).</summary>
public sealed class QuotaOptions
{
    /// <summary>Metric names in a project's catalog (names with production records).</summary>
    public int MetricNames { get; set; } = ProjectQuotas.Defaults.MetricNames;

    /// <summary>Metric-days holding data that no seal has closed yet, production and test.</summary>
    public int OpenMetricDays { get; set; } = ProjectQuotas.Defaults.OpenMetricDays;

    /// <summary>Distinct days in one ingest request.</summary>
    public int DaysPerRequest { get; set; } = ProjectQuotas.Defaults.DaysPerRequest;

    /// <summary>Bytes of Logstream retained; past them the oldest batches go (the newest is kept whatever its size).</summary>
    public long LogstreamBytes { get; set; } = ProjectQuotas.Defaults.LogstreamBytes;

    /// <summary>Concurrent Logstream subscribers on each node.</summary>
    public int LogstreamSubscribers { get; set; } = ProjectQuotas.Defaults.LogstreamSubscribers;
}

/// <summary><c>Metrics:Projects:{project}:Quotas</c>: a project's own quotas, each optional.</summary>
public sealed class ProjectQuotaOptions
{
    public int? MetricNames { get; set; }

    public int? OpenMetricDays { get; set; }

    public int? DaysPerRequest { get; set; }

    public long? LogstreamBytes { get; set; }

    public int? LogstreamSubscribers { get; set; }

    public ProjectQuotas Over(QuotaOptions defaults) => new(
        MetricNames ?? defaults.MetricNames,
        OpenMetricDays ?? defaults.OpenMetricDays,
        DaysPerRequest ?? defaults.DaysPerRequest,
        LogstreamBytes ?? defaults.LogstreamBytes,
        LogstreamSubscribers ?? defaults.LogstreamSubscribers);
}
