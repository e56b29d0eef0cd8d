namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// The Metrics.Server processes of the end-to-end tests: configured with <see cref="ProjectCount"/> projects
/// (<c>p0</c>, <c>p1</c>, ...) so that each test can take projects of its own and never sees another's watermark,
/// output kept in memory, killed when disposed. Each runs the embedded mode, or a Redis deployment node: on a given
/// Redis, or — when <see cref="TestStorage.UsesRedis"/> — on a redis-server (or a Redis Cluster) of its own.
/// </summary>
public static class TestServers
{
    public const int ProjectCount = 1000;

    /// <summary>Small, so a stalled Logstream subscriber overflows quickly.</summary>
    private const int SubscriberBuffer = 4000;

    /// <summary>A server in the storage mode of the test run (<see cref="TestStorage"/>).</summary>
    public static async Task<MetricsServerProcess> StartAsync(IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var clusterId = $"test-{Guid.NewGuid():N}";
        if (!TestStorage.UsesRedis)
            return await MetricsServerProcess.StartAsync(Options(redis: null, clusterId, extraSettings));
        if (TestStorage.UsesRedisCluster)
        {
            var cluster = await RedisClusterProcess.StartAsync();
            return await MetricsServerProcess.StartAsync(Options(cluster.ConnectionString, clusterId, extraSettings) with { Owned = cluster });
        }
        var redis = await RedisServerProcess.StartAsync();
        return await MetricsServerProcess.StartAsync(Options(redis.ConnectionString, clusterId, extraSettings) with { Owned = redis });
    }

    /// <summary>
    /// A Redis deployment node keeping its data in <paramref name="redis"/> (a connection string). Nodes started
    /// with the same Redis and <paramref name="clusterId"/> form one cluster, each on ports of its own. With
    /// <paramref name="logFile"/>, its output also goes there as it comes, for a test to read while the node starts.
    /// </summary>
    public static Task<MetricsServerProcess> StartOnRedisAsync(
        string redis, string clusterId, IReadOnlyDictionary<string, string>? extraSettings = null, string? logFile = null) =>
        MetricsServerProcess.StartAsync(Options(redis, clusterId, extraSettings) with { LogFile = logFile });

    private static MetricsServerOptions Options(string? redis, string clusterId, IReadOnlyDictionary<string, string>? extraSettings)
    {
        var settings = new Dictionary<string, string>(Enumerable.Range(0, ProjectCount).SelectMany(i => TestProject.Of(i).Settings))
        {
            ["Metrics:Orleans:ClusterId"] = clusterId,
            ["Metrics:Logstream:SubscriberBuffer"] = SubscriberBuffer.ToString(),
        };
        if (redis is not null)
            settings["Metrics:Redis"] = redis;
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
            settings[key] = value;
        return new MetricsServerOptions { ServerAssembly = RepositoryLayout.ServerAssembly(), Settings = settings };
    }
}
