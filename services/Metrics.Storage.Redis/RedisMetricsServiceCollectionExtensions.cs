using Metrics.Grains.Health;
using Metrics.Grains.Ingestion;
using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Metrics.Imports.Definitions;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

public static class RedisMetricsServiceCollectionExtensions
{
    /// <summary>
    /// The Redis deployment: every store and feed in the Redis of the registered <see cref="IConnectionMultiplexer"/>,
    /// shared by all nodes. The host registers the connection, which it opens while the silo starts.
    /// </summary>
    public static IServiceCollection AddRedisMetricsStorage(this IServiceCollection services)
    {
        services.AddSingleton<RedisPayloads>();
        services.AddSingleton<RedisLogstream>();
        services.AddSingleton<ILogstreamWriter>(sp => sp.GetRequiredService<RedisLogstream>());
        services.AddSingleton<ILogstreamHistory>(sp => sp.GetRequiredService<RedisLogstream>());
        services.AddSingleton<ILogstreamFollower, RedisLogstreamFollower>();
        services.AddSingleton<IMetricDayStore, RedisMetricDayStore>();
        services.AddSingleton<IReadinessStore, RedisReadinessStore>();
        services.AddSingleton<IReadinessFeed, RedisReadinessFeed>();
        services.AddSingleton<IIdempotencyStore, RedisIdempotencyStore>();
        services.AddSingleton<IImportStore, RedisImportStore>();
        services.AddSingleton<IRejectionTally, RedisRejectionTally>();
        return services;
    }
}
