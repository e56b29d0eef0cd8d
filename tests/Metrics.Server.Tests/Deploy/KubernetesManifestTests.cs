using System.Text.RegularExpressions;
using Metrics.Server.Cluster;
using Metrics.Server.Configuration;
using Microsoft.Extensions.Configuration;

namespace Metrics.Server.Tests.Deploy;

/// <summary>
/// deploy/kubernetes, read offline: every manifest is well formed; the server pods carry what Orleans' Kubernetes
/// hosting reads (labels, the downward API's env) and an environment the server accepts; probes, Services and the
/// budget reach the ports and pods they mean; the pods' ports are the image's; the grace period covers the drain.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private const string Namespace = "metrics";
    private const string ServiceIdLabel = "orleans/serviceId";
    private const string ClusterIdLabel = "orleans/clusterId";

    private static YamlNode Server => RepositoryFiles.Manifest("Deployment", "metrics-server");

    private static YamlNode PodSpec(YamlNode workload) => workload["spec"]["template"]["spec"];

    private static YamlNode ServerContainer => PodSpec(Server)["containers"].Named("server");

    private static IReadOnlyDictionary<string, string> PodLabels(YamlNode workload) => workload["spec"]["template"]["metadata"]["labels"].Strings();

    [Fact]
    public void EveryManifestParsesAndNamesItsKindAndNamespace()
    {
        var manifests = RepositoryFiles.KubernetesManifests();

        Assert.NotEmpty(manifests);
        Assert.All(manifests, m =>
        {
            Assert.Matches("^[a-z0-9.]*/?v[0-9]+", m["apiVersion"].Text);
            Assert.NotEmpty(m["kind"].Text);
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", m["metadata"]["name"].Text);
            if (m["kind"].Text != "Namespace")
                Assert.Equal(Namespace, m["metadata"]["namespace"].Text);
        });
        Assert.Contains(manifests, m => m["kind"].Text == "Namespace" && m["metadata"]["name"].Text == Namespace);
    }

    [Fact]
    public void TheServerPodsCarryTheOrleansLabelsAndTheDownwardApisEnv()
    {
        var labels = PodLabels(Server);
        var env = ServerContainer["env"];

        Assert.Equal(OrleansOptions.ServiceId, labels[ServiceIdLabel]);
        Assert.NotEmpty(labels[ClusterIdLabel]);
        Assert.Equal("metadata.name", FieldPath(env.Named("POD_NAME")));
        Assert.Equal("metadata.namespace", FieldPath(env.Named("POD_NAMESPACE")));
        Assert.Equal("status.podIP", FieldPath(env.Named("POD_IP")));
        Assert.Equal($"metadata.labels['{ServiceIdLabel}']", FieldPath(env.Named("ORLEANS_SERVICE_ID")));
        Assert.Equal($"metadata.labels['{ClusterIdLabel}']", FieldPath(env.Named("ORLEANS_CLUSTER_ID")));
    }

    [Fact]
    public void TheServerPodsEnvironmentIsAConfigurationTheServerAccepts()
    {
        var pod = new { Name = "metrics-server-7d9f8-x2k4q", Ip = "10.1.2.3" };
        var labels = PodLabels(Server);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(PodEnvironment(pod.Name, pod.Ip, labels)
            .Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value))).Build();
        var options = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>()!;

        var result = new KubernetesHostingValidator(configuration).Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.True(options.Orleans.Kubernetes);
        Assert.Equal(labels[ClusterIdLabel], options.Orleans.ClusterId);
        Assert.Equal(pod.Ip, options.Orleans.AdvertisedAddress);
        Assert.Equal(pod.Name, configuration["POD_NAME"]);
        Assert.Equal(Namespace, configuration["POD_NAMESPACE"]);
        Assert.NotEmpty(options.Projects);
        Assert.All(options.Projects.Values, p => Assert.NotEmpty(p.ServerSecrets));
        var redis = Assert.IsType<string>(options.Redis).Split(':');
        var redisService = RepositoryFiles.Manifest("Service", redis[0]);
        Assert.Contains(redisService["spec"]["ports"].Items, p => p["port"].Number == int.Parse(redis[1]));
    }

    [Fact]
    public void TheProbesAskTheAdminEndpointOnItsPort()
    {
        var container = ServerContainer;
        var admin = RepositoryFiles.PortOf(EnvValue(container["env"].Named(AdminUrlVariable)));

        Assert.Equal(("/readyz", admin), Probe(container, "readinessProbe"));
        Assert.Equal(("/healthz", admin), Probe(container, "livenessProbe"));
        Assert.Equal(("/healthz", admin), Probe(container, "startupProbe"));
        var annotations = Server["spec"]["template"]["metadata"]["annotations"].Strings();
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal(admin.ToString(), annotations["prometheus.io/port"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);
    }

    [Fact]
    public void TheServicesAndTheBudgetSelectThePodsAndReachTheirPorts()
    {
        var manifests = RepositoryFiles.KubernetesManifests();
        var workloads = manifests.Where(m => m["kind"].Text is "Deployment" or "StatefulSet").ToList();
        Assert.All(workloads, w => Assert.True(Selects(w["spec"]["selector"]["matchLabels"].Strings(), PodLabels(w)), $"{w} selects none of its own pods"));

        foreach (var service in manifests.Where(m => m["kind"].Text == "Service"))
        {
            var selected = workloads.Where(w => Selects(service["spec"]["selector"].Strings(), PodLabels(w))).ToList();
            var workload = Assert.Single(selected);
            var containerPorts = PodSpec(workload)["containers"].Items.SelectMany(c => c["ports"].Items).ToList();
            Assert.All(service["spec"]["ports"].Items, port => Assert.Contains(containerPorts, c =>
                port["targetPort"].Text == c["name"].Text || port["targetPort"].Text == c["containerPort"].Text));
        }

        var budget = RepositoryFiles.Manifest("PodDisruptionBudget", "metrics-server");
        Assert.Equal(Server["spec"]["selector"]["matchLabels"].Strings(), budget["spec"]["selector"]["matchLabels"].Strings());
        Assert.True(budget["spec"]["maxUnavailable"].Number < Server["spec"]["replicas"].Number);
        Assert.Equal(3, Server["spec"]["replicas"].Number);
    }

    [Fact]
    public void ThePublicServiceServesGrpcAndJsonOnThePortsTheNodeListensOn()
    {
        var service = RepositoryFiles.Manifest("Service", "metrics");
        var container = ServerContainer;

        foreach (var (name, port) in new[] { ("grpc", 5001), ("json", 5000) })
        {
            var servicePort = service["spec"]["ports"].Named(name);
            Assert.Equal(port, servicePort["port"].Number);
            var containerPort = container["ports"].Named(servicePort["targetPort"].Text)["containerPort"].Number;
            var url = EnvValue(container["env"].Named($"Kestrel__Endpoints__{(name == "grpc" ? "Grpc" : "Json")}__Url"));
            Assert.Equal(containerPort, RepositoryFiles.PortOf(url));
        }
    }

    [Fact]
    public void TheServerPodsPortsAreTheImagesPorts()
    {
        var container = ServerContainer;
        var ports = container["ports"].Items.Select(p => p["containerPort"].Number).ToHashSet();
        var defaults = new OrleansOptions();

        Assert.Equal(RepositoryFiles.DockerfileExposedPorts().Order(), ports.Order());
        Assert.Equal(RepositoryFiles.PortOf(RepositoryFiles.DockerfileEnv(AdminUrlVariable)), container["ports"].Named("admin")["containerPort"].Number);
        Assert.Equal(defaults.SiloPort, container["ports"].Named("silo")["containerPort"].Number);
        Assert.Equal(defaults.GatewayPort, container["ports"].Named("gateway")["containerPort"].Number);
    }

    [Fact]
    public void TheGracePeriodCoversThePreStopPauseAndTheDrain()
    {
        var preStop = ServerContainer["lifecycle"]["preStop"]["exec"]["command"].Items.Select(i => i.Text).ToList();
        Assert.Equal("sleep", preStop[0]);
        var pause = TimeSpan.FromSeconds(int.Parse(preStop[1]));

        var grace = TimeSpan.FromSeconds(PodSpec(Server)["terminationGracePeriodSeconds"].Number);

        Assert.True(grace >= pause + GracefulShutdown.Timeout, $"terminationGracePeriodSeconds {grace.TotalSeconds} < preStop {pause.TotalSeconds} s + drain {GracefulShutdown.Timeout.TotalSeconds} s");
    }

    [Fact]
    public void TheServerPodsMayWatchTheirPeersAndRedisKeepsAnAppendOnlyFileOnAVolume()
    {
        var account = PodSpec(Server)["serviceAccountName"].Text;
        RepositoryFiles.Manifest("ServiceAccount", account);
        var binding = RepositoryFiles.KubernetesManifests().Single(m => m["kind"].Text == "RoleBinding"
            && m["subjects"].Items.Any(s => s["kind"].Text == "ServiceAccount" && s["name"].Text == account && s["namespace"].Text == Namespace));
        var role = RepositoryFiles.Manifest(binding["roleRef"]["kind"].Text, binding["roleRef"]["name"].Text);
        var pods = role["rules"].Items.Single(r => r["resources"].Items.Any(i => i.Text == "pods"));
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch" }, pods["verbs"].Items.Select(v => v.Text).ToHashSet());

        var redis = RepositoryFiles.Manifest("StatefulSet", "redis");
        var args = string.Join(' ', PodSpec(redis)["containers"].Named("redis")["args"].Items.Select(a => a.Text));
        Assert.Contains("--appendonly yes", args);
        var dir = Regex.Match(args, @"--dir (\S+)").Groups[1].Value;
        var mount = PodSpec(redis)["containers"].Named("redis")["volumeMounts"].Items.Single(v => v["mountPath"].Text == dir);
        Assert.Contains(redis["spec"]["volumeClaimTemplates"].Items, c => c["metadata"]["name"].Text == mount["name"].Text);
    }

    private const string AdminUrlVariable = "Kestrel__Endpoints__Admin__Url";

    private static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static string FieldPath(YamlNode variable) => variable["valueFrom"]["fieldRef"]["fieldPath"].Text;

    private static string EnvValue(YamlNode variable) => variable["value"].Text;

    private static (string Path, int Port) Probe(YamlNode container, string probe)
    {
        var get = container[probe]["httpGet"];
        var port = get["port"].Text;
        return (get["path"].Text, int.TryParse(port, out var number) ? number : container["ports"].Named(port)["containerPort"].Number);
    }

    /// <summary>The server container's environment as Kubernetes gives it to a pod: the downward API's fields, the Secret's keys, <c>$(VAR)</c> expanded.</summary>
    private static Dictionary<string, string> PodEnvironment(string podName, string podIp, IReadOnlyDictionary<string, string> labels)
    {
        var fields = new Dictionary<string, string>
        {
            ["metadata.name"] = podName,
            ["metadata.namespace"] = Server["metadata"]["namespace"].Text,
            ["status.podIP"] = podIp,
        };
        foreach (var label in labels)
            fields[$"metadata.labels['{label.Key}']"] = label.Value;
        var env = new Dictionary<string, string>();
        foreach (var variable in ServerContainer["env"].Items)
        {
            var from = variable.Find("valueFrom");
            env[variable["name"].Text] = from?.Find("fieldRef") is { } field ? fields[field["fieldPath"].Text]
                : from?.Find("secretKeyRef") is { } secret ? RepositoryFiles.Manifest("Secret", secret["name"].Text)["stringData"][secret["key"].Text].Text
                : Reference().Replace(variable["value"].Text, m => env.TryGetValue(m.Groups[1].Value, out var earlier) ? earlier : m.Value);
        }
        return env;
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
