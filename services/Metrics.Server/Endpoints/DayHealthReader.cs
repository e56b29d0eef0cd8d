using Metrics.Domain;
using Metrics.Domain.Health;
using Metrics.Grains;
using Metrics.Grains.Health;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Metrics.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Endpoints;

/// <summary>
/// The data health checks of metric-days as GetMetricDay and GetMetricSeries answer them: each day's production
/// figures against the calendar day before, the catalog's first date of each ID type, and the records rejected.
/// </summary>
internal sealed class DayHealthReader(IGrainFactory grains, IRejectionTally rejections, IOptions<HealthOptions> options)
{
    private readonly HealthThresholds _thresholds = options.Value.Thresholds;

    /// <summary>
    /// The warnings of each of <paramref name="days"/> (ascending, every day with data between the first and the last),
    /// each given with its production view.
    /// </summary>
    public async Task<IReadOnlyList<HealthWarning>[]> CheckAsync(string project, string metricName, IReadOnlyList<(PacificDay Day, MetricDayView Production)> days)
    {
        if (days.Count == 0)
            return [];
        var dayBeforeFirst = Before(days[0].Day);
        var entry = grains.GetReadinessGrain(project).DescribeMetric(metricName);
        var before = grains.GetMetricDayGrain(new MetricDayId(project, metricName, dayBeforeFirst)).View(includeTest: false);
        var rejected = Task.WhenAll(days.Select(d => rejections.CountAsync(project, metricName, d.Day)));
        await Task.WhenAll(entry, before, rejected);

        var views = days.ToDictionary(d => d.Day, d => d.Production);
        if (before.Result is { } dayBefore)
            views[dayBeforeFirst] = dayBefore;
        return days.Select((d, i) => DataHealth.Check(
                Facts(d.Day, d.Production, entry.Result, rejected.Result[i]),
                views.TryGetValue(Before(d.Day), out var previous) ? Facts(Before(d.Day), previous, entry.Result, 0) : null,
                _thresholds))
            .ToArray();
    }

    private static PacificDay Before(PacificDay day) => new(day.Date.AddDays(-1));

    private static DayHealthFacts Facts(PacificDay day, MetricDayView view, CatalogEntry? entry, long rejected)
    {
        var firstSeen = entry?.FirstSeenOn(day.Date).ToHashSet(StringComparer.Ordinal) ?? [];
        return new DayHealthFacts(
            view.Overall,
            view.IsRatio,
            view.ByIdType.Select(a => a.IdType).Where(firstSeen.Contains).ToList(),
            rejected);
    }
}
