using System.Net;
using Grpc.AspNetCore.Server;
using Metrics.Grains;
using Metrics.Storage.Redis;
using Metrics.Server.Cluster;
using Metrics.Server.Configuration;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Metrics.Server;

/// <summary>Where a node keeps its data and how it finds the other nodes: chosen by <c>Metrics:Redis</c>.</summary>
public abstract class Deployment
{
    public abstract string Description { get; }

    public void Configure(ISiloBuilder silo, IServiceCollection services, IHealthChecksBuilder health)
    {
        services.Configure<HostOptions>(GracefulShutdown.Apply);
        ConfigureNode(silo, services, health);
    }

    protected abstract void ConfigureNode(ISiloBuilder silo, IServiceCollection services, IHealthChecksBuilder health);

    public static Deployment Of(MetricsOptions options) =>
        string.IsNullOrWhiteSpace(options.Redis) ? new Embedded(options.Orleans) : new RedisCluster(options.Redis, options.Orleans);

    /// <summary>One process, everything in memory.</summary>
    private sealed class Embedded(OrleansOptions orleans) : Deployment
    {
        public override string Description =>
            "Embedded mode: a single node keeping everything in memory; data is lost when the process stops.";

        protected override void ConfigureNode(ISiloBuilder silo, IServiceCollection services, IHealthChecksBuilder health)
        {
            services.AddInMemoryMetricsStorage();
            silo.UseInMemoryReminderService();
            silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, null, OrleansOptions.ServiceId, orleans.ClusterId);
        }
    }

    /// <summary>Any number of nodes over one Redis, which holds the data, the Logstream and the cluster membership.</summary>
    private sealed class RedisCluster(string connectionString, OrleansOptions orleans) : Deployment
    {
        private readonly ConfigurationOptions _redis = RedisConfiguration(connectionString);

        public override string Description =>
            $"Redis deployment: node {orleans.AdvertisedAddress}:{orleans.SiloPort} of cluster {orleans.ClusterId}, data in Redis at {string.Join(", ", _redis.EndPoints)}{(orleans.Kubernetes ? ", Kubernetes hosting" : "")}.";

        protected override void ConfigureNode(ISiloBuilder silo, IServiceCollection services, IHealthChecksBuilder health)
        {
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RedisConnection>(sp, _redis));
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RedisConnection>());
            services.AddSingleton(sp => sp.GetRequiredService<RedisConnection>().Multiplexer);
            services.AddRedisMetricsStorage();
            health.AddCheck<RedisHealthCheck>("redis");

            var advertised = Advertised(orleans.AdvertisedAddress);
            silo.ConfigureEndpoints(advertised, orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = orleans.ClusterId;
                options.ServiceId = OrleansOptions.ServiceId;
            });
            // The silo takes its pod's name, and a silo whose pod is deleted is declared dead at once. Its cluster and
            // service IDs agree with the ones above (KubernetesHostingValidator); the endpoints above are kept.
            if (orleans.Kubernetes)
                silo.UseKubernetesHosting();
            silo.Configure<ClusterMembershipOptions>(MembershipTimings.Apply);
            services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<NodeLeftRetryInterceptor>());
            silo.UseRedisClustering(options => options.ConfigurationOptions = _redis);
            services.AddOptions<RedisClusteringOptions>().Configure<RedisConnection>((options, connection) =>
                options.CreateMultiplexer = async _ => (await connection.Opened, true));
            // Import schedules: a reminder per project, kept in Redis, so it fires once per tick in the whole cluster.
            silo.UseRedisReminderService(options => options.ConfigurationOptions = _redis);
            services.AddOptions<RedisReminderTableOptions>().Configure<RedisConnection>((options, connection) =>
                options.CreateMultiplexer = async _ => (await connection.Opened, true));
        }

        /// <summary>Fails fast while Redis is away, so calls answer UNAVAILABLE at once, and reconnects within a second or so.</summary>
        private static ConfigurationOptions RedisConfiguration(string connectionString)
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            options.ReconnectRetryPolicy = new LinearRetry(1000);
            return options;
        }

        private static IPAddress Advertised(string address) =>
            IPAddress.TryParse(address, out var ip)
                ? ip
                : Dns.GetHostAddresses(address).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                  ?? throw new InvalidOperationException($"Metrics:Orleans:AdvertisedAddress \"{address}\" does not resolve to an IPv4 address");
    }
}
