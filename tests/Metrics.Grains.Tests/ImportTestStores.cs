using Metrics.Grains.MetricDays;
using Metrics.Imports.Definitions;
using Metrics.Storage.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Metrics.Grains.Tests;

/// <summary>
/// The stores an imports grain test runs on: the import store through which the test plays another activation of the
/// imports grain (<see cref="Imports"/>), and the deployment's other stores, registered over the embedded mode's,
/// which fence a run's loads by the leases that import store keeps.
/// </summary>
public abstract class ImportTestStores : IAsyncDisposable
{
    public abstract IImportStore Imports { get; }

    public abstract void AddTo(IServiceCollection services);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The embedded mode's: the import store's lock fences the metric-day store's write.</summary>
    public static Task<ImportTestStores> InMemoryAsync() => Task.FromResult<ImportTestStores>(new InMemory());

    /// <summary>The Redis deployment's, on a redis-server of the test's own: the lease is read by the script that swaps a load in.</summary>
    public static async Task<ImportTestStores> RedisAsync()
    {
        var server = await RedisServerProcess.StartAsync();
        return new Redis(server, await ConnectionMultiplexer.ConnectAsync(server.ConnectionString));
    }

    private sealed class InMemory : ImportTestStores
    {
        private readonly InMemoryImportStore _store = new();

        public override IImportStore Imports => _store;

        public override void AddTo(IServiceCollection services) => services.AddSingleton<IImportRunFences>(_store);
    }

    private sealed class Redis(RedisServerProcess server, ConnectionMultiplexer connection) : ImportTestStores
    {
        public override IImportStore Imports { get; } = new RedisImportStore(connection);

        public override void AddTo(IServiceCollection services) =>
            services.AddSingleton<IConnectionMultiplexer>(connection).AddRedisMetricsStorage();

        public override async ValueTask DisposeAsync()
        {
            await connection.DisposeAsync();
            await server.DisposeAsync();
        }
    }
}
