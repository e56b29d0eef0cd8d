using System.Net;
using System.Text;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.Errors;

/// <summary>
/// What is normal leaves no error and no stack trace in the log: a subscriber that hangs up on its Logstream (over
/// JSON, as <c>curl -N</c> then Ctrl-C, and over gRPC), and JSON bodies that are malformed or of the wrong shape,
/// which are refused with one line each.
/// </summary>
public sealed class QuietLogTests
{
    private const string Accepted = "{\"success\":true,\"accepted\":1,\"duplicate\":false}";

    [Fact]
    public async Task HangingUpAndBadJsonBodiesLogNoErrorAndNoStackTrace()
    {
        await using var server = await TestServers.StartAsync();
        var project = TestProject.Of(0);
        using var http = server.CreateHttpClient();
        using var channel = server.CreateChannel();
        var first = await PostAsync(http, project.IngestKey, "{\"metrics\": [" + RecordJson("1") + "]}");
        Assert.True(first == (HttpStatusCode.OK, Accepted), first.Body);

        await HangUpJsonLogstreamAsync(http, project);
        await HangUpGrpcLogstreamAsync(channel, project);
        string[] bad =
        [
            "{\"metrics\": [" + RecordJson("1"),
            "{\"metrics\": [" + RecordJson("\"12.5\"") + "]}",
            "{\"metrics\": [" + RecordJson("1") + "], \"metrics\": [" + RecordJson("2") + "]}",
        ];
        foreach (var body in bad)
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(http, project.IngestKey, body)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(http, project.IngestKey, "{}", "text/plain")).Status);
        // The server is asked once more, so that what it logs of the calls above is in its output.
        Assert.Equal((HttpStatusCode.OK, Accepted), await PostAsync(http, project.IngestKey, "{\"metrics\": [" + RecordJson("3") + "]}"));
        await Task.Delay(TimeSpan.FromSeconds(1));

        var log = server.Output;
        Assert.DoesNotContain("fail:", log);
        Assert.DoesNotContain("   at ", log);
        Assert.DoesNotContain("Exception", log);
        Assert.Equal(bad.Length + 1, log.Split('\n').Count(line => line.Contains("JSON request refused", StringComparison.Ordinal)));
    }

    private static async Task HangUpJsonLogstreamAsync(HttpClient http, ProjectKeys project)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/logstream?backlog=1");
        request.Headers.Add("statsig-api-key", project.ServerSecret);
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var lines = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.NotNull(await lines.ReadLineAsync());
        }
        // Disposing the response closed the connection, as Ctrl-C does.
    }

    private static async Task HangUpGrpcLogstreamAsync(Grpc.Net.Client.GrpcChannel channel, ProjectKeys project)
    {
        using var hangUp = new CancellationTokenSource();
        using var call = new LogstreamService.LogstreamServiceClient(channel)
            .Subscribe(new SubscribeRequest { Backlog = 1 }, ProjectKeys.Headers(project.ServerSecret), cancellationToken: hangUp.Token);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await hangUp.CancelAsync();
        var ended = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
    }

    private static string RecordJson(string value) =>
        $$"""{"user_id": "u1", "id_type": "user_id", "metric_name": "quiet", "metric_value": {{value}}, "date": "2026-05-10"}""";

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient http, string key, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/log_custom_metric") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add("statsig-api-key", key);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
