using System.Text.Json;
using StackExchange.Redis;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// The Orleans membership table of a cluster as the Redis clustering provider keeps it: a hash
/// <c>metrics/members/{cluster}</c> with a JSON entry per silo, named <c>S{address}:{port}:{generation}</c>.
/// </summary>
public sealed class ClusterMembership(string redis, string clusterId)
{
    /// <summary>Orleans' <c>SiloStatus.Dead</c>.</summary>
    private const int Dead = 6;

    /// <summary>Waits until every silo listening on <paramref name="siloPort"/> is declared dead; false after <paramref name="bound"/>.</summary>
    public async Task<bool> DeclaredDeadWithinAsync(int siloPort, TimeSpan bound)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var giveUpAt = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < giveUpAt)
        {
            var entries = await connection.GetDatabase().HashGetAllAsync($"metrics/members/{clusterId}");
            var ofPort = entries.Where(e => e.Name.ToString().StartsWith('S') && e.Name.ToString().Contains($":{siloPort}:", StringComparison.Ordinal))
                .Select(e => JsonDocument.Parse(e.Value.ToString()).RootElement)
                .ToList();
            if (ofPort.Count > 0 && ofPort.All(entry => entry.GetProperty("Status").GetInt32() == Dead))
                return true;
            await Task.Delay(250);
        }
        return false;
    }
}
