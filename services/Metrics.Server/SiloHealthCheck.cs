using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Metrics.Server;

/// <summary>
/// Healthy once the Orleans silo has started and can take grain calls, until the node begins to stop: a load
/// balancer that asks the health service sends no new calls to a node that is draining.
/// </summary>
public sealed class SiloHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("stopping")
            : lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("starting"));
}
