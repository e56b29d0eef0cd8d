using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.RedisDeployment.Chaos;

/// <summary>What the monkey did to the cluster, one step at a time.</summary>
public enum ChaosFault
{
    /// <summary>SIGKILL, then a new process on the same ports.</summary>
    KillAndRestart,

    /// <summary>SIGKILL, then a node on new ports in its place, as a container platform starts one.</summary>
    KillAndReplace,

    /// <summary>SIGSTOP for a while, then SIGCONT: a node that wakes up, perhaps after it was declared dead.</summary>
    Freeze,

    /// <summary>SIGKILL of redis-server, started again on its append-only file after <see cref="ChaosSettings.RedisOutage"/>.</summary>
    RedisRestart,
}

/// <summary>
/// Every few seconds does one thing to the cluster, in an order chosen by a seeded random: kills a node and starts it again,
/// kills it and starts a replacement on new ports, freezes it (shorter or longer than the cluster takes to declare
/// it dead) and wakes it up — a woken node that finds itself declared dead stops, and a replacement on new ports
/// takes its slot — and kills redis-server instead as the second step, then every <see cref="ChaosSettings.RedisRestartEvery"/>,
/// so that even a short run whose node faults take long (a replacement's start on a loaded machine) has one. The
/// same seed gives the same steps. One thing at a time: when the run ends, every slot has a running node.
/// </summary>
public sealed class ChaosMonkey(ChaosSettings settings, RedisServerProcess redis, ChaosCluster cluster, Random random)
{
    /// <summary>How long a woken node may take to notice that it was declared dead and stop.</summary>
    private static readonly TimeSpan ZombieNotices = TimeSpan.FromSeconds(8);

    private readonly List<string> _steps = [];

    /// <summary>Each step, in order, e.g. <c>freeze node 1 for 6.2 s: declared dead, stopped itself, replaced</c>.</summary>
    public IReadOnlyList<string> Steps => _steps;

    public int Count(ChaosFault fault) => _counts.GetValueOrDefault(fault);

    /// <summary>Woken nodes that found themselves declared dead and stopped.</summary>
    public int ZombiesStopped { get; private set; }

    private readonly Dictionary<ChaosFault, int> _counts = [];

    public async Task RunAsync(CancellationToken stop)
    {
        var nextRedisRestart = DateTime.UtcNow;
        var nodeFaults = new Queue<ChaosFault>();
        while (await ChaosPause.ForAsync(settings.KillEvery * (0.5 + random.NextDouble()), stop))
        {
            if (nodeFaults.Count == 0)
            {
                // Each kind once in every three node faults, in a seeded order: a short run has one of each.
                ChaosFault[] kinds = [ChaosFault.KillAndRestart, ChaosFault.KillAndReplace, ChaosFault.Freeze];
                random.Shuffle(kinds);
                foreach (var kind in kinds)
                    nodeFaults.Enqueue(kind);
            }
            var fault = _steps.Count > 0 && DateTime.UtcNow >= nextRedisRestart ? ChaosFault.RedisRestart : nodeFaults.Dequeue();
            var slot = random.Next(cluster.Nodes.Count);
            _counts[fault] = Count(fault) + 1;
            switch (fault)
            {
                case ChaosFault.RedisRestart:
                    await redis.StopAsync();
                    await Task.Delay(settings.RedisOutage, CancellationToken.None);
                    await redis.StartAgainAsync();
                    nextRedisRestart = DateTime.UtcNow + settings.RedisRestartEvery;
                    _steps.Add("restart Redis");
                    break;
                case ChaosFault.KillAndRestart:
                    await cluster.Nodes[slot].KillAsync();
                    await cluster.Nodes[slot].StartAgainAsync();
                    _steps.Add($"kill node {slot}, start it again on its ports");
                    break;
                case ChaosFault.KillAndReplace:
                    await cluster.ReplaceAsync(slot);
                    _steps.Add($"kill node {slot}, replace it on new ports");
                    break;
                case ChaosFault.Freeze:
                    _steps.Add(await FreezeAsync(slot, settings.FreezeFor * (0.25 + random.NextDouble())));
                    break;
            }
        }
    }

    private async Task<string> FreezeAsync(int slot, TimeSpan frozen)
    {
        var node = cluster.Nodes[slot];
        node.Pause();
        await Task.Delay(frozen, CancellationToken.None);
        node.Resume();
        var step = $"freeze node {slot} for {frozen.TotalSeconds:F1} s";
        if (!await node.ExitsWithinAsync(ZombieNotices))
            return $"{step}: woke up and serves";
        ZombiesStopped++;
        await cluster.ReplaceAsync(slot);
        return $"{step}: declared dead, stopped itself, replaced on new ports";
    }
}
