using System.Net;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>
/// Keys never reach the log, not even with every category at Trace: a server of its own with distinctive keys is
/// called with the right keys, wrong ones (some a prefix, a suffix or a variant of a real one), and failing
/// requests, over gRPC and JSON; its whole output then holds none of the keys presented.
/// </summary>
public sealed class KeySecrecyTests
{
    private const string Project = "vault";
    private const string Day = "2026-05-10";

    [Fact]
    public async Task NoKeyPresentedAppearsInTheLogAtTraceLevel()
    {
        var secret = $"sk-{Guid.NewGuid():N}-server";
        var ingest = $"ik-{Guid.NewGuid():N}-ingest";
        string[] wrong =
        [
            secret[..^4], secret + "0", "x" + secret, secret.ToUpperInvariant(), ingest[..^1], ingest + ingest,
            $"sk-{Guid.NewGuid():N}-unknown",
        ];
        await using var server = await TestServers.StartAsync(new Dictionary<string, string>
        {
            [$"Metrics:Projects:{Project}:ServerSecrets:0"] = secret,
            [$"Metrics:Projects:{Project}:IngestKeys:0"] = ingest,
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Grpc"] = "Trace",
            ["Logging:LogLevel:Orleans"] = "Trace",
        });
        using var channel = server.CreateChannel();
        using var http = server.CreateHttpClient();

        await CallGrpcAsync(channel, secret, ingest, wrong);
        await CallJsonAsync(http, secret, ingest, wrong);

        var log = server.Output;
        Assert.Contains("trce:", log); // Trace logging is on ...
        Assert.Contains("/v1/log_custom_metric", log); // ... and the requests were logged
        Assert.Contains("/metrics.v1.IngestService/LogCustomMetric", log);
        foreach (var key in wrong.Prepend(ingest).Prepend(secret))
            Assert.False(log.Contains(key, StringComparison.OrdinalIgnoreCase), $"the server's output holds the key {key}");
    }

    private static async Task CallGrpcAsync(GrpcChannel channel, string secret, string ingest, string[] wrong)
    {
        var ingestService = new IngestService.IngestServiceClient(channel);
        var readiness = new ReadinessService.ReadinessServiceClient(channel);
        var valid = new LogCustomMetricRequest { Metrics = { new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "m", MetricValue = 1, Date = Day } } };

        Assert.Equal(1, (await ingestService.LogCustomMetricAsync(valid, ProjectKeys.Headers(ingest))).Accepted);
        Assert.Equal(1, (await ingestService.LogCustomMetricAsync(valid, ProjectKeys.Headers(secret))).Accepted);
        Assert.Single((await new MetricsService.MetricsServiceClient(channel).ListMetricsAsync(new ListMetricsRequest(), ProjectKeys.Headers(secret))).Metrics);
        using (var subscription = new LogstreamService.LogstreamServiceClient(channel).Subscribe(
                   new SubscribeRequest { Backlog = 5 }, ProjectKeys.Headers(secret), cancellationToken: new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token))
            Assert.True(await subscription.ResponseStream.MoveNext(CancellationToken.None));

        await AssertStatusAsync(StatusCode.PermissionDenied, () => readiness.GetReadinessAsync(new GetReadinessRequest(), ProjectKeys.Headers(ingest)).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, () => ingestService.LogCustomMetricAsync(new LogCustomMetricRequest(), ProjectKeys.Headers(ingest)).ResponseAsync);
        await AssertStatusAsync(StatusCode.InvalidArgument, () => readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = -1 }, ProjectKeys.Headers(secret)).ResponseAsync);
        var malformed = await RawGrpc.CallAsync(channel, RawGrpc.LogCustomMetric, valid.ToByteArray()[..^2], ProjectKeys.Headers(ingest));
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        foreach (var key in wrong)
        {
            await AssertStatusAsync(StatusCode.Unauthenticated, () => ingestService.LogCustomMetricAsync(valid, ProjectKeys.Headers(key)).ResponseAsync);
            await AssertStatusAsync(StatusCode.Unauthenticated, () => readiness.GetReadinessAsync(new GetReadinessRequest(), ProjectKeys.Headers(key)).ResponseAsync);
        }
    }

    private static async Task CallJsonAsync(HttpClient http, string secret, string ingest, string[] wrong)
    {
        const string valid = """{"metrics": [{"user_id": "u2", "id_type": "user_id", "metric_name": "m", "metric_value": 1, "date": "2026-05-10"}]}""";

        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Post, "v1/log_custom_metric", ingest, valid));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Get, "v1/readiness", secret));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Get, $"v1/metrics/m/days/{Day}", secret));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(http, HttpMethod.Get, "v1/metrics", ingest));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(http, HttpMethod.Post, "v1/log_custom_metric", ingest, "{\"metrics\": ["));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(http, HttpMethod.Post, "v1/mark_data_ready", secret, "{\"timestamp\": 0}"));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(http, HttpMethod.Get, $"v1/metrics/absent/days/{Day}", secret));
        foreach (var key in wrong)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, HttpMethod.Post, "v1/log_custom_metric", key, valid));
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, HttpMethod.Get, "v1/readiness", key));
        }
    }

    private static async Task AssertStatusAsync(StatusCode expected, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(expected, error.StatusCode);
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, HttpMethod method, string path, string key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.Add("statsig-api-key", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
