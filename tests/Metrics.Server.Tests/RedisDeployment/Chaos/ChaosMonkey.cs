using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.RedisDeployment.Chaos;

/// <summary>
/// Every few seconds kills a random node with SIGKILL and starts it again on the same ports; every
/// <see cref="ChaosSettings.RedisRestartEvery"/> kills redis-server instead, and starts it again on its
/// append-only file after <see cref="ChaosSettings.RedisOutage"/>. One thing at a time: when the run ends, every
/// process is up.
/// </summary>
public sealed class ChaosMonkey(ChaosSettings settings, RedisServerProcess redis, IReadOnlyList<MetricsServerProcess> nodes, Random random)
{
    public int Kills { get; private set; }

    public int RedisRestarts { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        var nextRedisRestart = DateTime.UtcNow + settings.RedisRestartEvery;
        while (await ChaosPause.ForAsync(settings.KillEvery * (0.5 + random.NextDouble()), stop))
        {
            if (DateTime.UtcNow >= nextRedisRestart)
            {
                await redis.StopAsync();
                await Task.Delay(settings.RedisOutage, CancellationToken.None);
                await redis.StartAgainAsync();
                RedisRestarts++;
                nextRedisRestart = DateTime.UtcNow + settings.RedisRestartEvery;
                continue;
            }
            var node = nodes[random.Next(nodes.Count)];
            await node.KillAsync();
            await node.StartAgainAsync();
            Kills++;
        }
    }
}
