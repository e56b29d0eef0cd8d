using System.Net;
using System.Text.Json;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Metrics.Testing;

namespace Metrics.Server.Tests.Operations;

/// <summary>
/// SPEC §7 admin endpoint: after known traffic, <c>/metrics</c> gives exactly its counts, the seal, and a watermark
/// lag that matches <c>GetReadiness</c>; <c>/healthz</c>, <c>/readyz</c> and the Orleans Dashboard answer there and nowhere
/// on the public ports.
/// A server of its own, so that its counters hold only this test's traffic.
/// </summary>
public sealed class AdminEndpointTests
{
    private const string Day = "2026-02-10";
    private const string OpenDay = "2026-02-12";

    private static MetricRecord Record(string user, string idType = "user_id", string date = Day) =>
        new() { UserId = user, IdType = idType, MetricName = "admin_metric", MetricValue = 1, Date = date };

    [Fact]
    public async Task KnownTrafficIsCountedExactlyAndTheAdminPathsAreNotPublic()
    {
        await using var server = await TestServers.StartAsync();
        using var channel = server.CreateChannel();
        using var admin = new HttpClient { BaseAddress = server.AdminAddress };
        using var json = server.CreateHttpClient();
        var project = TestProject.Of(0);
        var ingest = new IngestService.IngestServiceClient(channel);
        var readiness = new ReadinessService.ReadinessServiceClient(channel);

        await ingest.LogCustomMetricAsync(new LogCustomMetricRequest { Metrics = { Record("a"), Record("b"), Record("c"), Record("d", date: OpenDay) } }, project.IngestHeaders);
        await RefusedAsync(ingest, project, Record("e", idType: "no_such_type"), Record("f", idType: "no_such_type"), Record("g"));
        await RefusedAsync(ingest, project, Record("h", date: "2999-01-01"));
        await readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, project.SecretHeaders);
        await RefusedAsync(ingest, project, Record("late"));
        var watermark = (await readiness.GetReadinessAsync(new GetReadinessRequest(), project.SecretHeaders)).Watermark;

        var scrape = await Scrape.OfAsync(admin);
        var p = ("project", project.Name);
        Assert.Equal(4, scrape.Value("metrics_records_accepted_total", p, ("source", "api")));
        Assert.Equal(2, scrape.Value("metrics_records_rejected_total", p, ("reason", "id_type")));
        Assert.Equal(1, scrape.Value("metrics_records_rejected_total", p, ("reason", "other_records_invalid")));
        Assert.Equal(1, scrape.Value("metrics_records_rejected_total", p, ("reason", "date")));
        Assert.Equal(1, scrape.Value("metrics_records_rejected_total", p, ("reason", "sealed_day")));
        Assert.Equal(1, scrape.Value("metrics_requests_total", p, ("rpc", "LogCustomMetric"), ("code", "OK")));
        Assert.Equal(2, scrape.Value("metrics_requests_total", p, ("rpc", "LogCustomMetric"), ("code", "InvalidArgument")));
        Assert.Equal(1, scrape.Value("metrics_requests_total", p, ("rpc", "LogCustomMetric"), ("code", "FailedPrecondition")));
        Assert.Equal(1, scrape.Value("metrics_requests_total", p, ("rpc", "MarkDataReady"), ("code", "OK")));
        Assert.Equal(1, scrape.Value("metrics_seal_duration_seconds_count"));
        Assert.Equal(1, scrape.Value("metrics_open_days", p));
        var lag = scrape.Value("metrics_watermark_lag_seconds", p);
        var expected = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - watermark;
        Assert.NotNull(lag);
        Assert.InRange(lag.Value, expected - 60, expected + 1);
        // Beside the product's own: the runtime's, Orleans', ASP.NET Core's and Kestrel's meters.
        Assert.All(new[] { "dotnet_process_cpu_count", "orleans_catalog_activations", "http_server_request_duration_seconds_count", "kestrel_active_connections" },
            name => Assert.True(scrape.Has(name), $"no {name} in the scrape"));

        Assert.Equal("up", await admin.GetStringAsync("healthz"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("readyz")).StatusCode);
        // The Orleans Dashboard: its page, and its view of this one-node cluster.
        Assert.Contains("<title>Orleans Dashboard</title>", await admin.GetStringAsync("dashboard/"));
        var host = Assert.Single(await DashboardHostsAsync(admin));
        Assert.Equal("Active", host.GetProperty("status").GetString());
        foreach (var path in new[] { "metrics", "healthz", "readyz", "dashboard/", "dashboard/DashboardCounters" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = server.AdminAddress.Authority; // a Host header naming the admin port does not open it
            Assert.Equal(HttpStatusCode.NotFound, (await json.SendAsync(request)).StatusCode);
        }
    }

    /// <summary>
    /// The hosts the dashboard shows, once it shows any: it gathers its counters on a timer of its own, so a server
    /// that has just started can answer an empty list for a moment (seen on a Redis Cluster).
    /// </summary>
    private static async Task<JsonElement[]> DashboardHostsAsync(HttpClient admin)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            using var counters = JsonDocument.Parse(await admin.GetStringAsync("dashboard/DashboardCounters"));
            var hosts = counters.RootElement.GetProperty("hosts").EnumerateArray().Select(h => h.Clone()).ToArray();
            if (hosts.Length > 0 || DateTime.UtcNow > deadline)
                return hosts;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static async Task RefusedAsync(IngestService.IngestServiceClient ingest, ProjectKeys project, params MetricRecord[] records) =>
        await Assert.ThrowsAsync<RpcException>(() =>
            ingest.LogCustomMetricAsync(new LogCustomMetricRequest { Metrics = { records } }, project.IngestHeaders).ResponseAsync);
}
