using Metrics.Grains.MetricDays;
using Metrics.Imports.Definitions;
using Metrics.Imports.Runs;
using Metrics.Imports.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Imports;

public static class MetricsImportsServiceCollectionExtensions
{
    /// <summary>
    /// The import runner, and the embedded mode's store — which also fences the loads that the embedded mode's
    /// metric-day store writes — unless a deployment registered its own first.
    /// </summary>
    public static IServiceCollection AddMetricsImports(this IServiceCollection services)
    {
        services.AddSingleton<ImportRunner>();
        services.AddSingleton<IImportSourceFactory, ImportSourceFactory>();
        if (services.Any(s => s.ServiceType == typeof(IImportStore)))
            return services;
        services.AddSingleton<InMemoryImportStore>();
        services.AddSingleton<IImportStore>(sp => sp.GetRequiredService<InMemoryImportStore>());
        services.AddSingleton<IImportRunFences>(sp => sp.GetRequiredService<InMemoryImportStore>());
        return services;
    }
}
