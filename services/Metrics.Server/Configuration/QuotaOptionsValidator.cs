using Metrics.Domain;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>Refuses, at start-up, a quota below 1 — by default or for any project — naming its configuration key.</summary>
internal sealed class QuotaOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new List<string>();
        var all = options.Quotas;
        Check(failures, $"{MetricsOptions.Section}:Quotas", all.MetricNames, all.OpenMetricDays, all.DaysPerRequest, all.LogstreamBytes, all.LogstreamSubscribers);
        foreach (var (project, own) in options.Projects.Select(p => (p.Key, p.Value.Quotas)))
            Check(failures, $"{MetricsOptions.Section}:Projects:{project}:Quotas",
                own.MetricNames, own.OpenMetricDays, own.DaysPerRequest, own.LogstreamBytes, own.LogstreamSubscribers);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(
        List<string> failures, string section, int? metricNames, int? openMetricDays, int? daysPerRequest, long? logstreamBytes, int? logstreamSubscribers)
    {
        foreach (var (quota, value) in new (string, long?)[]
                 {
                     (ProjectQuotas.MetricNamesName, metricNames), (ProjectQuotas.OpenMetricDaysName, openMetricDays),
                     (ProjectQuotas.DaysPerRequestName, daysPerRequest), (ProjectQuotas.LogstreamBytesName, logstreamBytes),
                     (ProjectQuotas.LogstreamSubscribersName, logstreamSubscribers),
                 })
            if (value < 1)
                failures.Add($"{section}:{quota} must be at least 1, got {value}");
    }
}
