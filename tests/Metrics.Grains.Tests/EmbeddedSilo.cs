using Metrics.Grains.Readiness;
using Metrics.Imports;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Metrics.Grains.Tests;

/// <summary>
/// An in-process Orleans cluster of one silo as the embedded mode runs it — in-memory stores, the default quotas —
/// on the system clock or on a clock of the test's, with imports when the test gives their projects, and the services
/// the test adds before the embedded mode's own (an import store of its own, options).
/// </summary>
internal sealed class EmbeddedSilo : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private EmbeddedSilo(InProcessTestCluster cluster) => _cluster = cluster;

    public IServiceProvider Services => _cluster.GetSiloServiceProvider(_cluster.Silos[0].SiloAddress);

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public static async Task<EmbeddedSilo> StartAsync(TimeProvider? clock = null, IImportProjects? imports = null, Action<IServiceCollection>? services = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddMetricsCore().AddInMemoryMetricsStorage().AddSingleton<IProjectQuotas, DefaultQuotas>();
            if (clock is not null)
                host.Services.AddSingleton(clock);
            services?.Invoke(host.Services);
            if (imports is not null)
                host.Services.AddMetricsImports().AddSingleton(imports);
        });
        if (imports is not null)
            builder.ConfigureSilo((_, silo) => silo.UseInMemoryReminderService());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new EmbeddedSilo(cluster);
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
