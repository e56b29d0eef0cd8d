using Metrics.Server.Configuration;
using Microsoft.Extensions.Configuration;

namespace Metrics.Server.Tests.Deploy;

/// <summary>
/// <c>Metrics:Orleans:Kubernetes</c> stops start-up, naming the key, when the node could not form a cluster with its
/// peers: no Redis, a loopback address, or Kubernetes' cluster or service ID other than the node's. Off, nothing is checked.
/// </summary>
public sealed class KubernetesHostingValidatorTests
{
    private static readonly Dictionary<string, string?> Pod = new()
    {
        ["Metrics:Orleans:Kubernetes"] = "true",
        ["Metrics:Redis"] = "redis:6379",
        ["Metrics:Orleans:ClusterId"] = "metrics",
        ["Metrics:Orleans:AdvertisedAddress"] = "10.1.2.3",
        ["ORLEANS_CLUSTER_ID"] = "metrics",
        ["ORLEANS_SERVICE_ID"] = "metrics",
    };

    private static string? Failure(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>()!;
        var result = new KubernetesHostingValidator(configuration).Validate(null, options);
        return result.Succeeded ? null : result.FailureMessage;
    }

    private static Dictionary<string, string?> PodWith(string key, string? value) => new(Pod) { [key] = value };

    [Fact]
    public void APodsSettingsPass() => Assert.Null(Failure(Pod));

    [Theory]
    [InlineData("Metrics:Redis", null, "Metrics:Orleans:Kubernetes needs Metrics:Redis")]
    [InlineData("Metrics:Orleans:AdvertisedAddress", "127.0.0.1", "Metrics:Orleans:AdvertisedAddress must be the pod's address (status.podIP) with Metrics:Orleans:Kubernetes, got 127.0.0.1")]
    [InlineData("ORLEANS_CLUSTER_ID", "other", "ORLEANS_CLUSTER_ID (other) must equal Metrics:Orleans:ClusterId (metrics)")]
    [InlineData("ORLEANS_SERVICE_ID", "other", "ORLEANS_SERVICE_ID (other) must equal the service ID (metrics)")]
    public void ASettingThatWouldSplitTheClusterIsNamed(string key, string? value, string message) =>
        Assert.Contains(message, Failure(PodWith(key, value)));

    [Fact]
    public void OffNothingIsChecked() =>
        Assert.Null(Failure(new Dictionary<string, string?> { ["ORLEANS_CLUSTER_ID"] = "other", ["Metrics:Orleans:AdvertisedAddress"] = "127.0.0.1" }));
}
