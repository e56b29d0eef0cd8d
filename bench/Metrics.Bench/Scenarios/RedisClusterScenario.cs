using Metrics.Bench.Hosting;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// REDIS_CLUSTER: S1's workload into three projects, each on a shard of its own of a Redis Cluster of three masters
/// (started by the harness), against the same three projects on the run's one Redis; one node each time, fresh,
/// warmed up. Caller c writes project c mod 3. The projects are picked so that their <c>{project}</c> hash tags
/// fall on the three masters.
/// </summary>
public static class RedisClusterScenario
{
    public const string Id = "REDIS_CLUSTER";
    public const string Title = "S1's workload into three projects: a project a shard of a Redis Cluster, against one Redis";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(240);

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs(Id))
            return;
        await using var cluster = await RedisClusterProcess.StartAsync(3, new RedisServerOptions
        {
            AppendFsync = AppendFsync.EverySecond,
            KeepOutput = false,
            LogFile = Path.Combine(context.LogDirectory, "redis-cluster.log"),
        });
        var projects = OnePerShard(cluster);
        var settings = projects.SelectMany(p => p.Settings).ToDictionary();
        BenchContext.Progress($"Redis Cluster on {cluster.ConnectionString}; projects {string.Join(", ", projects.Select(p => p.Name))}, one on each master");

        await context.MeasureAsync(Id, Title, async (result, _) =>
        {
            var one = await RunAsync(context, "one", context.Redis.ConnectionString, [context.Redis.ProcessId], projects, settings);
            var sharded = await RunAsync(context, "cluster", cluster.ConnectionString, cluster.Nodes.Select(n => n.ProcessId).ToList(), projects, settings);
            result.Add(new Figure("one_redis_records_per_second", "one Redis: records/s", one.Rate, "records/s"));
            result.Add(new Figure("cluster_records_per_second", "Redis Cluster: records/s", sharded.Rate, "records/s"));
            result.Add(Figures.Ratio("cluster_to_one", "Redis Cluster ÷ one Redis", sharded.Rate / one.Rate));
            result.Add(new Figure("one_redis_cores", "one Redis: Redis' cores", one.RedisCores, "cores"));
            result.Add(new Figure("cluster_redis_cores", "Redis Cluster: the masters' cores", sharded.RedisCores, "cores"));
            result.Notes.Add($"projects {string.Join(", ", projects.Select(p => p.Name))}, a master each; one node each time; " +
                             $"one Redis: {one.Split}; Redis Cluster: {sharded.Split}");
        });
    }

    /// <summary>The first of <c>bench-shard-0</c>, <c>-1</c>, … whose hash tag each master serves.</summary>
    private static List<ProjectKeys> OnePerShard(RedisClusterProcess cluster)
    {
        var candidates = Enumerable.Range(0, 64).Select(i => new ProjectKeys($"bench-shard-{i}")).ToList();
        return cluster.Nodes
            .Select(node => candidates.FirstOrDefault(p => cluster.NodeOf($"metrics:{{{p.Name}}}") == node)
                            ?? throw new InvalidOperationException($"no candidate project hashes to the master on {node.ConnectionString}"))
            .ToList();
    }

    private static async Task<(double Rate, double RedisCores, string Split)> RunAsync(
        BenchContext context, string label, string redis, IReadOnlyList<int> redisPids, IReadOnlyList<ProjectKeys> projects, IReadOnlyDictionary<string, string> settings)
    {
        await using var node = await context.StartNodeOnAsync($"node-{label}-redis", redis, $"redis-{label}", settings);
        await GrpcIngest.WarmUpAsync(context, node);
        var (outcome, cores) = await GrpcIngest.MeasureAsync(label, [node], redisPids.Select((pid, i) => ($"redis-{i}", pid)).ToDictionary(),
            projects, context.IngestWorkload($"shard_{label}"), $"{context.RunId}-shard-{label}", Limit);
        var redisCores = cores.Where(c => c.Key.StartsWith("redis-", StringComparison.Ordinal)).Sum(c => c.Value);
        return (outcome.RecordsPerSecond, redisCores, string.Join(", ", cores.Select(c => $"{c.Key} {c.Value:0.00}")));
    }
}
