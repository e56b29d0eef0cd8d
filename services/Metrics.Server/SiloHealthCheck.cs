using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Metrics.Server;

/// <summary>Healthy once the Orleans silo has started and can take grain calls.</summary>
public sealed class SiloHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStarted.IsCancellationRequested
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("starting"));
}
