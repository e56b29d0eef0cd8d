using Metrics.Grains.Readiness;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Metrics.Grains.Tests;

/// <summary>An in-process Orleans cluster of one silo with the embedded mode's stores and a readiness feed that fails on demand.</summary>
public sealed class ReadinessTestCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; } = new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public IGrainFactory Grains => Cluster.Client;

    public FlakyReadinessFeed Feed => ((InProcessSiloHandle)Cluster.Primary!).ServiceProvider.GetRequiredService<FlakyReadinessFeed>();

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.ConfigureServices(services =>
        {
            services.AddMetricsCore();
            services.AddInMemoryMetricsStorage();
            services.AddSingleton<FlakyReadinessFeed>();
            services.AddSingleton<IReadinessFeed>(sp => sp.GetRequiredService<FlakyReadinessFeed>());
            services.AddSingleton<IProjectQuotas, DefaultQuotas>();
        });
    }
}
