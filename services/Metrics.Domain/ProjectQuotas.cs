namespace Metrics.Domain;

/// <summary>
/// What one project may hold, so that one tenant cannot exhaust a node or Redis: metric names in its catalog,
/// metric-days open at once, days in one ingest request, bytes of Logstream retained, and Logstream subscribers
/// on each node. Only growth is refused: a project over a quota lowered since keeps writing to the metric-days
/// it already has.
/// </summary>
public sealed record ProjectQuotas(int MetricNames, int OpenMetricDays, int DaysPerRequest, long LogstreamBytes, int LogstreamSubscribers)
{
    /// <summary>
    /// 10,000 metric names keep the catalog a few megabytes; 100,000 open metric-days are a hundred days' backlog of a
    /// thousand metrics; 31 days in one request let a month of backfill travel in one call, while the source's pipelines
    /// send one day at a time and a two-week backfill is the common large case; 256 MiB of Logstream hold about a
    /// million records for replay; 100 subscribers on a node are a team's consoles and tails with room to spare.
    /// </summary>
    public static readonly ProjectQuotas Defaults = new(10_000, 100_000, 31, 256L * 1024 * 1024, 100);

    public const string MetricNamesName = "MetricNames";
    public const string OpenMetricDaysName = "OpenMetricDays";
    public const string DaysPerRequestName = "DaysPerRequest";
    public const string LogstreamBytesName = "LogstreamBytes";
    public const string LogstreamSubscribersName = "LogstreamSubscribers";

    /// <summary>Why a request naming <paramref name="days"/> distinct days is refused, or null.</summary>
    public string? CheckRequest(int days) =>
        days > DaysPerRequest ? Exceeded(DaysPerRequestName, DaysPerRequest, $"the request names {days} days") : null;

    /// <summary>Why adding metric names and open metric-days to what the project holds is refused, or null.</summary>
    public string? CheckGrowth(int metricNames, int newMetricNames, int openMetricDays, int newOpenMetricDays)
    {
        if (newMetricNames > 0 && (long)metricNames + newMetricNames > MetricNames)
            return Exceeded(MetricNamesName, MetricNames, $"the project has {metricNames} metric names and the request adds {newMetricNames}");
        if (newOpenMetricDays > 0 && (long)openMetricDays + newOpenMetricDays > OpenMetricDays)
            return Exceeded(OpenMetricDaysName, OpenMetricDays,
                $"the project has {openMetricDays} open metric-days and the request opens {newOpenMetricDays}; sealing days with MarkDataReady closes them");
        return null;
    }

    private static string Exceeded(string quota, int limit, string detail) =>
        $"quota {quota} ({limit}) exceeded: {detail}; nothing in the request was applied";
}
