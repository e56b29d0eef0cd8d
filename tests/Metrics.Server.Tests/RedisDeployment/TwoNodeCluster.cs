using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>Two server nodes, A and B, on one Redis and one cluster ID: one Orleans cluster.</summary>
public sealed class TwoNodeCluster : IAsyncLifetime
{
    private const string ClusterId = "two-nodes";

    private RedisServerProcess? _redis;
    private MetricsServerProcess? _nodeA;
    private MetricsServerProcess? _nodeB;

    public NodeClient A { get; private set; } = null!;

    public NodeClient B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _nodeA = await TestServers.StartOnRedisAsync(_redis.ConnectionString, ClusterId);
        _nodeB = await TestServers.StartOnRedisAsync(_redis.ConnectionString, ClusterId);
        A = new NodeClient(_nodeA);
        B = new NodeClient(_nodeB);
    }

    /// <summary>Also after a failed start (xunit disposes a class fixture whose start threw): whatever was started.</summary>
    public async Task DisposeAsync()
    {
        A?.Dispose();
        B?.Dispose();
        if (_nodeA is not null)
            await _nodeA.DisposeAsync();
        if (_nodeB is not null)
            await _nodeB.DisposeAsync();
        if (_redis is not null)
            await _redis.DisposeAsync();
    }
}
