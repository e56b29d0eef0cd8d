using Metrics.Domain;

namespace Metrics.Grains.Health;

/// <summary>
/// How many records sent for each metric-day were rejected, for the health check of a day's rejected share. A
/// diagnostic, bounded against a hostile tenant: only days of the last <see cref="DaysBack"/> are counted, at most
/// <see cref="MetricsPerDay"/> metric names a project and day (the names first refused that day), and a day's tally
/// is kept <see cref="Retention"/> after its last count.
/// </summary>
public interface IRejectionTally
{
    public const int MetricsPerDay = 1000;

    public const int DaysBack = 400;

    public static readonly TimeSpan Retention = TimeSpan.FromDays(35);

    Task AddAsync(string project, IReadOnlyCollection<RejectedCount> counts);

    Task<long> CountAsync(string project, string metricName, PacificDay day);
}

/// <summary>Records of one metric and day refused by one request.</summary>
public readonly record struct RejectedCount(string MetricName, PacificDay Day, long Records);
