using System.Net;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>ListMetrics is paged as Google AIP-158: page_size, page_token, next_page_token, names in ascending order.</summary>
public sealed class CatalogPagingTests
{
    private const string Day = "2026-05-10";

    [Fact]
    public async Task PagesWalkTheCatalogInNameOrderAndTheLastHasNoToken()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var names = await IngestMetricsAsync(server, project, 25);

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await server.Metrics.ListMetricsAsync(new ListMetricsRequest { PageSize = 10, PageToken = token }, Secret(project));
            Assert.True(page.Metrics.Count <= 10);
            seen.AddRange(page.Metrics.Select(m => m.MetricName));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(3, pages);
        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task PageSizeDefaultsTo100AndIsCappedAt1000()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var names = await IngestMetricsAsync(server, project, 1005);

        var first = await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), Secret(project));
        Assert.Equal(names.Order(StringComparer.Ordinal).Take(100), first.Metrics.Select(m => m.MetricName));
        Assert.NotEmpty(first.NextPageToken);

        var capped = await server.Metrics.ListMetricsAsync(new ListMetricsRequest { PageSize = 5000 }, Secret(project));
        Assert.Equal(1000, capped.Metrics.Count);
        var rest = await server.Metrics.ListMetricsAsync(new ListMetricsRequest { PageSize = 5000, PageToken = capped.NextPageToken }, Secret(project));
        Assert.Equal(names.Order(StringComparer.Ordinal).Skip(1000), rest.Metrics.Select(m => m.MetricName));
        Assert.Empty(rest.NextPageToken);
    }

    [Fact]
    public async Task ANegativePageSizeIsInvalidArgumentOnPageSize()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Metrics.ListMetricsAsync(new ListMetricsRequest { PageSize = -1 }, Secret(project)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("page_size", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("bWV0cmljXzAx")] // base64url of a bare metric name, not a token this server issued
    public async Task AForeignPageTokenIsInvalidArgumentOnPageToken(string token)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Metrics.ListMetricsAsync(new ListMetricsRequest { PageToken = token }, Secret(project)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("page_token", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task APageTokenAfterANameNoMetricCanHaveIsInvalidArgumentOnPageToken()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var token = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes("after:" + new string('m', 1 << 20)));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Metrics.ListMetricsAsync(new ListMetricsRequest { PageToken = token }, Secret(project)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("page_token", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task JsonPagesThroughQueryParameters()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var names = (await IngestMetricsAsync(server, project, 3)).Order(StringComparer.Ordinal).ToList();

        using var first = await GetJsonAsync(server, project, "v1/metrics?page_size=2");
        var firstPage = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(names[..2], firstPage.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("metricName").GetString()));
        var token = firstPage.GetProperty("nextPageToken").GetString()!;

        using var second = await GetJsonAsync(server, project, $"v1/metrics?page_size=2&page_token={Uri.EscapeDataString(token)}");
        var secondPage = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(names[2..], secondPage.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("metricName").GetString()));
        Assert.Equal("", secondPage.GetProperty("nextPageToken").GetString());

        using var negative = await GetJsonAsync(server, project, "v1/metrics?page_size=-5");
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
    }

    private static Metadata Secret(ProjectKeys project) => ProjectKeys.Headers(project.ServerSecret);

    /// <summary>One record each of <paramref name="count"/> metrics, named so that their order differs from the order sent.</summary>
    private static async Task<List<string>> IngestMetricsAsync(SharedServer server, ProjectKeys project, int count)
    {
        var names = Enumerable.Range(0, count).Select(i => $"metric_{(i * 7919) % count:D4}").ToList();
        var request = new LogCustomMetricRequest();
        request.Metrics.AddRange(names.Select(n => new MetricRecord { UserId = "u", IdType = "user_id", MetricName = n, MetricValue = 1, Date = Day }));
        var reply = await server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey));
        Assert.Equal(count, reply.Accepted);
        return names;
    }

    private static async Task<HttpResponseMessage> GetJsonAsync(SharedServer server, ProjectKeys project, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("statsig-api-key", project.ServerSecret);
        return await server.Http.SendAsync(request);
    }
}
