using Metrics.Domain;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>Refuses, at start-up, a quota below 1 — by default or for any project — naming its configuration key.</summary>
internal sealed class QuotaOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new List<string>();
        Check(failures, $"{MetricsOptions.Section}:Quotas", options.Quotas.MetricNames, options.Quotas.OpenMetricDays, options.Quotas.DaysPerRequest);
        foreach (var (project, settings) in options.Projects)
            Check(failures, $"{MetricsOptions.Section}:Projects:{project}:Quotas",
                settings.Quotas.MetricNames, settings.Quotas.OpenMetricDays, settings.Quotas.DaysPerRequest);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string section, int? metricNames, int? openMetricDays, int? daysPerRequest)
    {
        foreach (var (quota, value) in new[]
                 {
                     (ProjectQuotas.MetricNamesName, metricNames), (ProjectQuotas.OpenMetricDaysName, openMetricDays),
                     (ProjectQuotas.DaysPerRequestName, daysPerRequest),
                 })
            if (value < 1)
                failures.Add($"{section}:{quota} must be at least 1, got {value}");
    }
}
