using Metrics.Grains.Health;
using Metrics.Grains.Ingestion;
using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Metrics.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The services every node needs, whatever holds its data.</summary>
    public static IServiceCollection AddMetricsCore(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<ProductMeters>();
        services.AddSingleton<LogstreamHub>();
        services.AddSingleton<LogstreamFeed>();
        services.AddSingleton<MetricIngestor>();
        return services;
    }

    /// <summary>The embedded mode: every store and feed in process memory, for one node.</summary>
    public static IServiceCollection AddInMemoryMetricsStorage(this IServiceCollection services)
    {
        services.AddSingleton<InMemoryLogstream>();
        services.AddSingleton<ILogstreamWriter>(sp => sp.GetRequiredService<InMemoryLogstream>());
        services.AddSingleton<ILogstreamHistory>(sp => sp.GetRequiredService<InMemoryLogstream>());
        services.AddSingleton<ILogstreamFollower>(sp => sp.GetRequiredService<InMemoryLogstream>());
        services.AddSingleton<IMetricDayStore, InMemoryMetricDayStore>();
        services.AddSingleton<IReadinessStore, InMemoryReadinessStore>();
        services.AddSingleton<IReadinessFeed, InMemoryReadinessFeed>();
        services.AddSingleton<IIdempotencyStore, InMemoryIdempotencyStore>();
        services.AddSingleton<IRejectionTally, InMemoryRejectionTally>();
        return services;
    }
}
