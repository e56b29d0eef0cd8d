using System.Text.Json;

namespace Metrics.Server.Tests.Deploy;

/// <summary>
/// docker-compose.yml's Prometheus and Grafana, read offline: Prometheus scrapes every node's admin endpoint, every
/// series the Grafana dashboard queries is one a node exports, the provisioning finds the dashboard and the
/// datasource it names, and nothing is published beyond the host's loopback.
/// </summary>
public sealed class MonitoringConfigTests
{
    private static YamlNode Compose => YamlNode.Documents(RepositoryFiles.PathOf("docker-compose.yml")).Single();

    private static IEnumerable<KeyValuePair<string, YamlNode>> Services => Compose["services"].Entries;

    /// <summary>The compose services running the server image.</summary>
    private static IEnumerable<KeyValuePair<string, YamlNode>> Nodes => Services.Where(s => s.Value.Find("build") is not null);

    [Fact]
    public void PrometheusScrapesTheAdminEndpointOfEveryComposeNode()
    {
        var admin = RepositoryFiles.PortOf(RepositoryFiles.DockerfileEnv("Kestrel__Endpoints__Admin__Url"));
        var nodes = Nodes.Select(n => $"{n.Key}:{admin}").ToHashSet();
        var prometheus = YamlNode.Documents(RepositoryFiles.PathOf("deploy/prometheus/prometheus.yml")).Single();
        var job = prometheus["scrape_configs"].Items.Single();

        var targets = job["static_configs"].Items.SelectMany(c => c["targets"].Items).Select(t => t.Text).ToHashSet();

        Assert.True(nodes.Count >= 2, "docker-compose.yml runs fewer than two nodes");
        Assert.Equal(nodes.Order(), targets.Order());
        Assert.Equal("/metrics", job["metrics_path"].Text);
        Assert.All(Nodes, n => Assert.Null(n.Value["environment"].Find("Kestrel__Endpoints__Admin__Url")));
        var service = Services.Single(s => s.Key == "prometheus").Value;
        Assert.StartsWith("prom/prometheus", service["image"].Text);
        Assert.Contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", service["volumes"].Items.Select(v => v.Text));
        Assert.Contains("--config.file=/etc/prometheus/prometheus.yml", service["command"].Items.Select(c => c.Text));
    }

    [Fact]
    public async Task EverySeriesTheDashboardQueriesIsOneANodeExports()
    {
        var exported = await ExportedSeries.OfAsync();
        var queries = DashboardQueries().ToList();

        Assert.NotEmpty(queries);
        Assert.All(queries, q =>
        {
            var series = PromQl.SeriesIn(q.Expression);
            Assert.True(series.Count > 0, $"panel \"{q.Panel}\" reads no series: {q.Expression}");
            Assert.All(series, name => Assert.True(exported.Contains(name), $"panel \"{q.Panel}\" reads {name}, which no node exports"));
        });
        foreach (var panel in new[] { "metrics_records_accepted_total", "metrics_records_rejected_total", "metrics_watermark_lag_seconds",
                     "metrics_seal_duration_seconds_bucket", "metrics_logstream_dropped_total", "http_server_request_duration_seconds_bucket" })
            Assert.Contains(queries, q => PromQl.SeriesIn(q.Expression).Contains(panel));
    }

    [Fact]
    public void TheSeriesOfAQueryAreFoundAndNothingElse()
    {
        Assert.Equal(["a_total", "b_seconds_bucket"], PromQl.SeriesIn(
            "histogram_quantile(0.99, sum by (le, project) (rate(b_seconds_bucket{route=~\"/x|y\", le!=\"1\"}[5m]))) / on(project) group_left sum without (x) (a_total offset 1h)").Order());
    }

    [Fact]
    public void GrafanaIsProvisionedWithTheDashboardAndItsDatasource()
    {
        var grafana = Services.Single(s => s.Key == "grafana").Value;
        var volumes = grafana["volumes"].Items.Select(v => v.Text.Split(':')).ToDictionary(v => v[0], v => v);
        var provider = YamlNode.Documents(RepositoryFiles.PathOf("deploy/grafana/provisioning/dashboards/metrics.yml")).Single()["providers"].Items.Single();
        var datasource = YamlNode.Documents(RepositoryFiles.PathOf("deploy/grafana/provisioning/datasources/prometheus.yml")).Single()["datasources"].Items.Single();
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("deploy/grafana/dashboards/metrics.json")));

        Assert.StartsWith("grafana/grafana", grafana["image"].Text);
        Assert.Equal(["./deploy/grafana/provisioning", "/etc/grafana/provisioning", "ro"], volumes["./deploy/grafana/provisioning"]);
        Assert.Equal(["./deploy/grafana/dashboards", provider["options"]["path"].Text, "ro"], volumes["./deploy/grafana/dashboards"]);
        Assert.Equal("prometheus", datasource["type"].Text);
        Assert.Equal("http://prometheus:9090", datasource["url"].Text);
        var uids = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("datasource")).Prepend(p.GetProperty("datasource")))
            .Select(d => d.GetProperty("uid").GetString()).ToHashSet();
        Assert.Equal([datasource["uid"].Text], uids);
    }

    [Fact]
    public void ComposePublishesPortsOnTheHostsLoopbackOnly()
    {
        var published = Services.Where(s => s.Value.Find("ports") is not null).SelectMany(s => s.Value["ports"].Items.Select(p => (s.Key, Port: p.Text))).ToList();

        Assert.Contains(published, p => p.Key == "grafana");
        Assert.All(published, p => Assert.StartsWith("127.0.0.1:", p.Port));
    }

    private static IEnumerable<(string Panel, string Expression)> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("deploy/grafana/dashboards/metrics.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (p.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)))
            .ToList();
    }
}
