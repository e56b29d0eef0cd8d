using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.RedisDeployment.Chaos;

/// <summary>
/// The nodes of a chaos run, one per slot. A slot's node can be killed and started again on its ports, or
/// replaced by a node on new ports (what a container platform does); callers always see the current nodes.
/// Replaced nodes are kept until the end of the run, so that their output can be checked and the calls still
/// in flight on their channels end by themselves.
/// </summary>
public sealed class ChaosCluster(RedisServerProcess redis, string clusterId) : IAsyncDisposable
{
    private readonly List<MetricsServerProcess> _everyNode = [];
    private readonly List<NodeClient> _everyClient = [];
    private MetricsServerProcess[] _nodes = [];
    private NodeClient[] _clients = [];

    /// <summary>The current node of each slot.</summary>
    public IReadOnlyList<MetricsServerProcess> Nodes => Volatile.Read(ref _nodes);

    /// <summary>A client of the current node of each slot.</summary>
    public IReadOnlyList<NodeClient> Clients => Volatile.Read(ref _clients);

    /// <summary>Every node the run started, replaced ones included.</summary>
    public IReadOnlyList<MetricsServerProcess> EveryNode => _everyNode;

    public string Redis => redis.ConnectionString;

    public string ClusterId => clusterId;

    public static async Task<ChaosCluster> StartAsync(RedisServerProcess redis, string clusterId, int nodes)
    {
        var cluster = new ChaosCluster(redis, clusterId);
        for (var slot = 0; slot < nodes; slot++)
            cluster.Put(slot, await TestServers.StartOnRedisAsync(redis.ConnectionString, clusterId));
        return cluster;
    }

    /// <summary>Starts a node on new ports — silo, gateway, gRPC and JSON — for <paramref name="slot"/>; the old one must be down.</summary>
    public async Task ReplaceAsync(int slot)
    {
        await Nodes[slot].KillAsync();
        Put(slot, await TestServers.StartOnRedisAsync(redis.ConnectionString, clusterId));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _everyClient)
            client.Dispose();
        foreach (var node in _everyNode)
            await node.DisposeAsync();
    }

    private void Put(int slot, MetricsServerProcess node)
    {
        var client = new NodeClient(node);
        _everyNode.Add(node);
        _everyClient.Add(client);
        var nodes = Nodes.ToArray();
        var clients = Clients.ToArray();
        if (slot == nodes.Length)
        {
            nodes = [.. nodes, node];
            clients = [.. clients, client];
        }
        else
        {
            nodes[slot] = node;
            clients[slot] = client;
        }
        Volatile.Write(ref _nodes, nodes);
        Volatile.Write(ref _clients, clients);
    }
}
