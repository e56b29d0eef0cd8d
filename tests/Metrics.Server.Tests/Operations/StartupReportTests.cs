using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.Operations;

/// <summary>
/// The README's quick start: a server with no project configured serves project <c>default</c> with the keys
/// <c>secret-dev</c> and <c>ingest-dev</c>, and says so once at start-up, at <c>info</c>, with its mode and addresses;
/// nothing warns, and a client's mistakes are not logged with a stack trace.
/// </summary>
public sealed class StartupReportTests
{
    [Fact]
    public async Task AnUnconfiguredServerServesTheDevelopmentProjectAndSaysSoOnce()
    {
        await using var server = await MetricsServerProcess.StartAsync(new MetricsServerOptions
        {
            ServerAssembly = RepositoryLayout.ServerAssembly(),
            Settings = new Dictionary<string, string> { ["Metrics:Orleans:ClusterId"] = $"unconfigured-{Guid.NewGuid():N}" },
        });
        using var channel = server.CreateChannel();

        var reply = await new IngestService.IngestServiceClient(channel).LogCustomMetricAsync(new LogCustomMetricRequest
        {
            Metrics = { new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "tried", MetricValue = 1 } },
        }, ProjectKeys.Headers("ingest-dev"));
        Assert.Equal(1, reply.Accepted);
        var catalog = await new MetricsService.MetricsServiceClient(channel).ListMetricsAsync(new ListMetricsRequest(), ProjectKeys.Headers("secret-dev"));
        Assert.Equal("tried", Assert.Single(catalog.Metrics).MetricName);

        var started = server.Output.Split('\n').Select((line, i) => (line, i)).Where(l => l.line.StartsWith("info: Metrics.Server[1000]", StringComparison.Ordinal)).ToList();
        var (_, at) = Assert.Single(started);
        var message = server.Output.Split('\n')[at + 1];
        Assert.Contains("Embedded mode: a single node keeping everything in memory", message);
        Assert.Contains($"gRPC on {server.GrpcAddress}", message);
        Assert.Contains($"JSON and the console on {server.JsonAddress}", message);
        Assert.Contains($"admin on {server.AdminAddress}", message);
        Assert.Contains("No project is configured: project default, server secret secret-dev, ingest key ingest-dev", message);
        // A client's mistakes are answered, and logged without a stack trace.
        using var json = server.CreateHttpClient();
        using var cutShort = new HttpRequestMessage(HttpMethod.Post, "v1/log_custom_metric")
        {
            Content = new StringContent("{\"metrics\": [", System.Text.Encoding.UTF8, "application/json"),
            Headers = { { ProjectKeys.KeyHeader, "ingest-dev" } },
        };
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await json.SendAsync(cutShort)).StatusCode);
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => new IngestService.IngestServiceClient(channel).LogCustomMetricAsync(new LogCustomMetricRequest
        {
            Metrics = { new MetricRecord { UserId = "u1", IdType = "no_such_type", MetricName = "tried", MetricValue = 1 } },
        }, ProjectKeys.Headers("ingest-dev")).ResponseAsync);
        // Nothing warns at start-up, not even Orleans' watchdog; no stack trace anywhere.
        Assert.DoesNotContain("warn:", server.Output);
        Assert.DoesNotContain("fail:", server.Output);
        Assert.DoesNotContain("   at ", server.Output);
        Assert.DoesNotContain(": Grpc.", server.Output);
    }
}
