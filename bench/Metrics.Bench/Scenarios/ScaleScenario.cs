using Metrics.Bench.Hosting;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// SCALE: S1's workload on a cluster of 1, then 2, then 3 nodes over the run's one Redis, each a fresh cluster of
/// its own, its eight callers spread over the nodes (caller c calls node c mod n): records/s and the CPU split —
/// the nodes', Redis' and the harness's cores — at each size, and from them the CPU a record costs each.
/// </summary>
public static class ScaleScenario
{
    public const string Id = "SCALE";
    public const string Title = "S1's workload on 1, 2 and 3 nodes over one Redis: records/s and the CPU split";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(240);

    public static async Task RunAsync(BenchContext context)
    {
        if (!context.Options.Runs(Id))
            return;
        await context.MeasureAsync(Id, Title, async (result, _) =>
        {
            var steps = new List<object>();
            for (var size = 1; size <= 3; size++)
            {
                var nodes = new List<MetricsServerProcess>();
                try
                {
                    for (var i = 0; i < size; i++)
                        nodes.Add(await context.StartNodeAsync($"node-scale{size}-{i}", onRedis: true, $"scale-{size}"));
                    foreach (var node in nodes)
                        await GrpcIngest.WarmUpAsync(context, node);

                    var (outcome, cores) = await GrpcIngest.MeasureAsync($"{size} nodes", nodes, new Dictionary<string, int> { ["redis"] = context.Redis.ProcessId },
                        [BenchProject.Scale[size - 1]], context.IngestWorkload($"scale{size}"), $"{context.RunId}-scale{size}", Limit);

                    var rate = outcome.RecordsPerSecond;
                    var nodeCores = nodes.Sum(n => cores.GetValueOrDefault(n.Name));
                    var redisCores = cores.GetValueOrDefault("redis");
                    result.Add(new Figure($"records_per_second_{size}", $"{size} node{(size > 1 ? "s" : "")}: records/s", rate, "records/s"));
                    result.Add(new Figure($"node_cores_{size}", $"{size} node{(size > 1 ? "s" : "")}: the nodes' cores", nodeCores, "cores"));
                    result.Add(new Figure($"node_us_per_record_{size}", $"{size} node{(size > 1 ? "s" : "")}: the nodes' CPU a record", nodeCores / rate * 1e6, "µs"));
                    result.Add(new Figure($"redis_us_per_record_{size}", $"{size} node{(size > 1 ? "s" : "")}: Redis' CPU a record", redisCores / rate * 1e6, "µs"));
                    steps.Add(new { nodes = size, records_per_second = rate, cores });
                    result.Notes.Add($"{size} node{(size > 1 ? "s" : "")}: " + string.Join(", ", cores.Select(c => $"{c.Key} {c.Value:0.00}")));
                }
                finally
                {
                    foreach (var node in nodes)
                        await node.DisposeAsync();
                }
            }
            result.Detail = steps;
        });
    }
}
