using System.Net;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>A server of its own with a per-key rate limit of 2 requests a second (burst 2).</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int Calls = 20;
    private MetricsServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(new Dictionary<string, string>
    {
        ["Metrics:RateLimit:RequestsPerSecond"] = "2",
        ["Metrics:RateLimit:Burst"] = "2",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AKeyOverItsRateIsRefusedWithResourceExhaustedWhileOtherKeysGoOn()
    {
        var project = TestProject.Of(0);
        using var channel = _server.CreateChannel();
        var readiness = new ReadinessService.ReadinessServiceClient(channel);
        var secret = ProjectKeys.Headers(project.ServerSecret);

        var codes = new List<StatusCode>();
        for (var i = 0; i < Calls; i++)
        {
            try
            {
                await readiness.GetReadinessAsync(new GetReadinessRequest(), secret);
                codes.Add(StatusCode.OK);
            }
            catch (RpcException e)
            {
                codes.Add(e.StatusCode);
                Assert.Contains("rate limit", e.Status.Detail);
            }
        }
        Assert.Equal(StatusCode.OK, codes[0]);
        Assert.All(codes, c => Assert.Contains(c, new[] { StatusCode.OK, StatusCode.ResourceExhausted }));
        Assert.Contains(StatusCode.ResourceExhausted, codes);

        // The project's ingest key has a bucket of its own.
        var reply = await new IngestService.IngestServiceClient(channel).LogCustomMetricAsync(
            new LogCustomMetricRequest { Metrics = { Ingesting.Record("u1", "limited", 1, "2026-05-01") } }, ProjectKeys.Headers(project.IngestKey));
        Assert.Equal(1, reply.Accepted);
    }

    [Fact]
    public async Task OverJsonTheRefusalIsHttp429()
    {
        var project = TestProject.Of(1);
        using var http = _server.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Calls; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/readiness");
            request.Headers.Add("statsig-api-key", project.ServerSecret);
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }
}
