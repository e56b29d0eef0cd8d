using System.Net;
using Metrics.Server.Tests.Infrastructure;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Readers;

namespace Metrics.Server.Tests.Operations;

/// <summary>
/// The OpenAPI description of the JSON routes: <c>GET /openapi/v1.json</c> on the admin endpoint is a valid
/// OpenAPI document listing every route of the protos' <c>google.api.http</c> options, with the protos' comments as
/// descriptions; on the public ports it does not exist.
/// </summary>
public sealed class OpenApiTests
{
    private const string Path = "openapi/v1.json";

    /// <summary>Every JSON route, as the README's Services table has them (path parameters in their JSON names).</summary>
    private static readonly string[] Routes =
    [
        "POST /v1/log_custom_metric",
        "POST /v1/mark_data_ready", "GET /v1/readiness", "GET /v1/readiness/watch",
        "GET /v1/logstream",
        "GET /v1/metrics", "GET /v1/metrics/{metricName}/days/{date}", "GET /v1/metrics/{metricName}/days",
        "GET /v1/metrics/{metricName}/days/{date}/units", "GET /v1/metrics/{metricName}/days/{date}/versions",
        "POST /v1/imports", "GET /v1/imports", "GET /v1/imports/{importId}", "DELETE /v1/imports/{importId}",
        "POST /v1/imports/{importId}/runs", "GET /v1/imports/{importId}/runs", "GET /v1/imports/{importId}/runs/{runId}/watch",
    ];

    [Fact]
    public async Task TheAdminEndpointDescribesEveryJsonRouteFromTheProtos()
    {
        var server = await SharedServer.GetAsync();
        using var admin = server.Process.CreateAdminClient();

        using var response = await admin.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = new OpenApiStringReader().Read(await response.Content.ReadAsStringAsync(), out var diagnostic);
        Assert.Empty(diagnostic.Errors);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_0, diagnostic.SpecificationVersion);

        var routes = document.Paths.SelectMany(path => path.Value.Operations.Keys.Select(method => $"{method.ToString().ToUpperInvariant()} {path.Key}"));
        Assert.Equal(Routes.Order(), routes.Order());

        // The protos' comments: a service's, an RPC's, a field's; and the key every call carries.
        Assert.Equal("The watermark: every metric before it has been uploaded. Server secret only.",
            Assert.Single(document.Tags, tag => tag.Name == "ReadinessService").Description);
        Assert.Equal("One event per sealed day holding data, from the moment of the call on.",
            document.Paths["/v1/readiness/watch"].Operations[OperationType.Get].Summary);
        Assert.Equal("Unix seconds.", document.Components.Schemas["MarkDataReadyRequest"].Properties["timestamp"].Description);
        var key = Assert.Single(document.Components.SecuritySchemes).Value;
        Assert.Equal((ParameterLocation.Header, "statsig-api-key"), (key.In, key.Name));
    }

    [Fact]
    public async Task ThePublicPortsDoNotServeIt()
    {
        var server = await SharedServer.GetAsync();
        foreach (var (address, version) in new[] { (server.Process.JsonAddress, HttpVersion.Version11), (server.Process.GrpcAddress, HttpVersion.Version20) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, Path)) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            request.Headers.Host = server.Process.AdminAddress.Authority; // a Host header naming the admin port does not open it
            Assert.Equal(HttpStatusCode.NotFound, (await server.Http.SendAsync(request)).StatusCode);
        }
    }
}
