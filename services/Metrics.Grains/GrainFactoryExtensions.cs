using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;

namespace Metrics.Grains;

/// <summary>Finds the grains by what they stand for rather than by their key strings.</summary>
public static class GrainFactoryExtensions
{
    /// <summary>The readiness grain of a project's metrics watermark, keyed <c>{project}/metrics</c>.</summary>
    public static IReadinessGrain GetReadinessGrain(this IGrainFactory grains, string project) =>
        grains.GetGrain<IReadinessGrain>($"{project}/{ReadinessType.Metrics}");

    public static IMetricDayGrain GetMetricDayGrain(this IGrainFactory grains, MetricDayId id) =>
        grains.GetGrain<IMetricDayGrain>(id.Key);
}
