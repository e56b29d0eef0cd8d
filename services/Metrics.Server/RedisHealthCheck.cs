using Metrics.Server.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Metrics.Server;

/// <summary>Healthy while Redis answers: without it the Redis deployment can neither take nor serve data.</summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.Opened.IsCompletedSuccessfully)
            return HealthCheckResult.Unhealthy("waiting for Redis");
        try
        {
            var latency = await redis.Multiplexer.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis is unreachable", e);
        }
    }
}
