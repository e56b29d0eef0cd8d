namespace Metrics.Testing;

/// <summary>How <see cref="RedisServerProcess"/> runs redis-server.</summary>
public sealed record RedisServerOptions
{
    /// <summary>
    /// When the append-only file is synced to disk: on every write (the default), so that a kill without warning
    /// loses nothing acknowledged, as the restart and outage tests require; or every second, Redis' own default
    /// durability, which the benchmark measures.
    /// </summary>
    public AppendFsync AppendFsync { get; init; } = AppendFsync.Always;

    /// <summary>Keeps the output in memory, for <see cref="RedisServerProcess.Output"/>.</summary>
    public bool KeepOutput { get; init; } = true;

    /// <summary>Appends the output to this file.</summary>
    public string? LogFile { get; init; }

    /// <summary>Runs as a node of a Redis Cluster (<c>cluster-enabled</c>, its <c>nodes.conf</c> in its directory): see <see cref="RedisClusterProcess"/>.</summary>
    public bool ClusterNode { get; init; }
}

/// <summary>redis-server's <c>appendfsync</c> policies this library uses.</summary>
public enum AppendFsync
{
    Always,
    EverySecond,
}
