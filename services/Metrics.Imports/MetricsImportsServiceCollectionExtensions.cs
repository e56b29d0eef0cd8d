using Metrics.Imports.Definitions;
using Metrics.Imports.Runs;
using Metrics.Imports.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Metrics.Imports;

public static class MetricsImportsServiceCollectionExtensions
{
    /// <summary>The import runner, and the embedded mode's store unless a deployment registered its own first.</summary>
    public static IServiceCollection AddMetricsImports(this IServiceCollection services)
    {
        services.AddSingleton<ImportRunner>();
        services.AddSingleton<IImportSourceFactory, ImportSourceFactory>();
        services.TryAddSingleton<IImportStore, InMemoryImportStore>();
        return services;
    }
}
