using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>Two server nodes, A and B, on one Redis and one cluster ID: one Orleans cluster.</summary>
public sealed class TwoNodeCluster : IAsyncLifetime
{
    private const string ClusterId = "two-nodes";

    public RedisServerProcess Redis { get; private set; } = null!;

    public MetricsServerProcess NodeA { get; private set; } = null!;

    public MetricsServerProcess NodeB { get; private set; } = null!;

    public NodeClient A { get; private set; } = null!;

    public NodeClient B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync();
        NodeA = await MetricsServerProcess.StartOnRedisAsync(Redis.ConnectionString, ClusterId);
        NodeB = await MetricsServerProcess.StartOnRedisAsync(Redis.ConnectionString, ClusterId);
        A = new NodeClient(NodeA);
        B = new NodeClient(NodeB);
    }

    /// <summary>Also after a failed start (xunit disposes a class fixture whose start threw): whatever was started.</summary>
    public async Task DisposeAsync()
    {
        A?.Dispose();
        B?.Dispose();
        if (NodeA is not null)
            await NodeA.DisposeAsync();
        if (NodeB is not null)
            await NodeB.DisposeAsync();
        if (Redis is not null)
            await Redis.DisposeAsync();
    }
}
