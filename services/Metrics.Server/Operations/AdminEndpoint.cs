using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Orleans.Dashboard;

namespace Metrics.Server.Operations;

/// <summary>
/// SPEC §7's admin endpoint: the Kestrel endpoint <c>Admin</c> (default <c>http://127.0.0.1:9464</c>), apart from the
/// public ones. <c>GET /metrics</c> (Prometheus text format), <c>GET /healthz</c> (the process is up),
/// <c>GET /readyz</c> (it serves: the silo, and Redis in the Redis deployment), <c>GET /openapi/v1.json</c> (the
/// <see cref="OpenApiDescription"/> of the JSON routes) and the Orleans Dashboard at <c>/dashboard</c> (grains, silos,
/// calls per second of the whole cluster). Chosen by the port a request came in on, never by its Host header; on the
/// public ports these paths do not exist.
/// </summary>
internal static class AdminEndpoint
{
    public const string UrlKey = "Kestrel:Endpoints:Admin:Url";
    public const string DashboardPath = "/dashboard";

    /// <summary>The admin endpoint's port, which must differ from the public endpoints'.</summary>
    public static int Port(IConfiguration configuration)
    {
        if (!Uri.TryCreate(configuration[UrlKey], UriKind.Absolute, out var admin))
            throw new InvalidOperationException($"{UrlKey} must be an http:// or https:// URL, got \"{configuration[UrlKey]}\"");
        foreach (var name in new[] { "Grpc", "Json" })
        {
            if (Uri.TryCreate(configuration[$"Kestrel:Endpoints:{name}:Url"], UriKind.Absolute, out var open) && open.Port == admin.Port)
                throw new InvalidOperationException($"{UrlKey} must not share port {admin.Port} with Kestrel:Endpoints:{name}:Url");
        }
        return admin.Port;
    }

    public static void MapAdmin(this WebApplication app, int port) =>
        app.MapWhen(context => context.Connection.LocalPort == port, admin =>
        {
            admin.UseOpenTelemetryPrometheusScrapingEndpoint("/metrics");
            admin.UseRouting();
            admin.UseEndpoints(endpoints =>
            {
                endpoints.MapGet("/healthz", () => Results.Text("up"));
                endpoints.MapOrleansDashboard(DashboardPath);
                endpoints.MapOpenApiDescription();
                endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { ResultStatusCodes = { [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable } });
            });
        });
}
