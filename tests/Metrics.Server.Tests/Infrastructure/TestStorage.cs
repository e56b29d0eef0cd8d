namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// The deployment the end-to-end suite runs against, from the environment variable <c>METRICS_TEST_STORAGE</c>:
/// <c>embedded</c> (the default); <c>redis</c>, where every server the tests start keeps its data in a
/// redis-server of its own; or <c>redis-cluster</c>, where it keeps it in a Redis Cluster of three masters of
/// its own.
/// </summary>
public static class TestStorage
{
    public const string Variable = "METRICS_TEST_STORAGE";

    private static readonly string Mode = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } mode ? mode : "embedded";

    /// <summary>The servers keep their data in Redis: one redis-server, or a Redis Cluster (<see cref="UsesRedisCluster"/>).</summary>
    public static bool UsesRedis { get; } = Mode switch
    {
        "embedded" => false,
        "redis" or "redis-cluster" => true,
        var other => throw new InvalidOperationException($"{Variable}={other} is not a storage mode: use embedded, redis or redis-cluster"),
    };

    public static bool UsesRedisCluster { get; } = Mode == "redis-cluster";
}
