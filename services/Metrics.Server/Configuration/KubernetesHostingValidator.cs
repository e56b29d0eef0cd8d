using System.Net;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Configuration;

/// <summary>
/// Refuses, at start-up, Kubernetes hosting (<c>Metrics:Orleans:Kubernetes</c>) that would not form one cluster: without
/// <c>Metrics:Redis</c> (the membership is there), with a loopback <c>Metrics:Orleans:AdvertisedAddress</c> (other pods
/// cannot reach it), or with an <c>ORLEANS_CLUSTER_ID</c> or <c>ORLEANS_SERVICE_ID</c> other than the node's own
/// cluster and service IDs — Orleans' Kubernetes hosting would take those, and label the pod with them.
/// </summary>
internal sealed class KubernetesHostingValidator(IConfiguration configuration) : IValidateOptions<MetricsOptions>
{
    private const string Key = $"{MetricsOptions.Section}:{nameof(MetricsOptions.Orleans)}";

    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var orleans = options.Orleans;
        if (!orleans.Kubernetes)
            return ValidateOptionsResult.Success;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Redis))
            failures.Add($"{Key}:Kubernetes needs {MetricsOptions.Section}:Redis: the cluster's membership is kept in Redis");
        if (IPAddress.TryParse(orleans.AdvertisedAddress, out var advertised) && IPAddress.IsLoopback(advertised))
            failures.Add($"{Key}:AdvertisedAddress must be the pod's address (status.podIP) with {Key}:Kubernetes, got {orleans.AdvertisedAddress}");
        Agrees("ORLEANS_CLUSTER_ID", $"{Key}:ClusterId", orleans.ClusterId, failures);
        Agrees("ORLEANS_SERVICE_ID", "the service ID", OrleansOptions.ServiceId, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void Agrees(string variable, string what, string expected, List<string> failures)
    {
        var value = configuration[variable];
        if (!string.IsNullOrEmpty(value) && value != expected)
            failures.Add($"{variable} ({value}) must equal {what} ({expected})");
    }
}
