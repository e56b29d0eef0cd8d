using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.Operations;

/// <summary>
/// TLS from configuration alone: a server whose three endpoints listen on <c>https://</c> with a certificate of the
/// test's own — gRPC over TLS (HTTP/2 through ALPN), JSON over HTTPS, the admin endpoint over HTTPS — for clients
/// that trust that certificate alone; a plaintext client of a TLS port gets no answer.
/// </summary>
public sealed class TlsTests
{
    private static readonly string[] Endpoints = ["Grpc", "Json", "Admin"];

    [Fact]
    public async Task EveryEndpointServesTlsWithAPemCertificateAndKey()
    {
        using var certificate = new SelfSignedCertificate();
        var settings = Endpoints.SelectMany(name => new Dictionary<string, string>
        {
            [$"Kestrel:Endpoints:{name}:Certificate:Path"] = certificate.CertificatePem,
            [$"Kestrel:Endpoints:{name}:Certificate:KeyPath"] = certificate.KeyPem,
        });
        await using var server = await StartAsync(certificate, settings);

        // gRPC over TLS: the host already waited for gRPC health over it.
        using var channel = server.CreateChannel();
        var reply = await new IngestService.IngestServiceClient(channel).LogCustomMetricAsync(new LogCustomMetricRequest
        {
            Metrics = { new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "over_tls", MetricValue = 1 } },
        }, ProjectKeys.Headers("ingest-dev"));
        Assert.Equal(1, reply.Accepted);

        using var json = server.CreateHttpClient();
        using var catalog = new HttpRequestMessage(HttpMethod.Get, "v1/metrics") { Headers = { { ProjectKeys.KeyHeader, "secret-dev" } } };
        using var listed = await json.SendAsync(catalog);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains("\"metricName\":\"over_tls\"", await listed.Content.ReadAsStringAsync());

        using var admin = server.CreateAdminClient();
        Assert.Equal("up", await admin.GetStringAsync("healthz"));

        // A plaintext client of each TLS port: no gRPC answer, no HTTP answer.
        using var plaintext = GrpcChannel.ForAddress(Plaintext(server.GrpcAddress));
        await Assert.ThrowsAsync<RpcException>(() =>
            new Health.HealthClient(plaintext).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(Plaintext(server.JsonAddress), "v1/readiness")));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(Plaintext(server.AdminAddress), "healthz")));

        // The start-up line names the https:// addresses.
        Assert.Contains($"gRPC on {server.GrpcAddress}, JSON and the console on {server.JsonAddress}, admin on {server.AdminAddress}.", server.Output);
    }

    [Fact]
    public async Task EveryEndpointServesTlsWithTheDefaultPfxCertificate()
    {
        using var certificate = new SelfSignedCertificate();
        await using var server = await StartAsync(certificate, new Dictionary<string, string>
        {
            ["Kestrel:Certificates:Default:Path"] = certificate.Pfx,
            ["Kestrel:Certificates:Default:Password"] = SelfSignedCertificate.PfxPassword,
        });

        using var json = server.CreateHttpClient();
        using var readiness = new HttpRequestMessage(HttpMethod.Get, "v1/readiness") { Headers = { { ProjectKeys.KeyHeader, "secret-dev" } } };
        Assert.Equal(HttpStatusCode.OK, (await json.SendAsync(readiness)).StatusCode);
        using var admin = server.CreateAdminClient();
        Assert.Equal("up", await admin.GetStringAsync("healthz"));
    }

    private static Task<MetricsServerProcess> StartAsync(SelfSignedCertificate certificate, IEnumerable<KeyValuePair<string, string>> settings) =>
        MetricsServerProcess.StartAsync(new MetricsServerOptions
        {
            ServerAssembly = RepositoryLayout.ServerAssembly(),
            Settings = new Dictionary<string, string>(settings) { ["Metrics:Orleans:ClusterId"] = $"tls-{Guid.NewGuid():N}" },
            TrustedCertificate = certificate.Certificate,
        });

    private static Uri Plaintext(Uri address) => new UriBuilder(address) { Scheme = "http" }.Uri;
}
