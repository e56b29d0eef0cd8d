using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Metrics.Testing;

/// <summary>
/// A Redis Cluster of a test's or the harness's own: <c>masters</c> redis-server processes (<see cref="RedisServerProcess"/>,
/// each with its directory and append-only file, as <see cref="RedisServerOptions"/> says), joined by
/// <c>redis-cli --cluster create</c> with no replicas, the 16,384 slots split evenly between them; each node's cluster
/// bus on a free port of its own, and a log file given becomes one per node. Ready once every node says
/// <c>cluster_state:ok</c>. Disposing stops every node by its PID.
/// </summary>
public sealed class RedisClusterProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServerProcess> _nodes;

    private RedisClusterProcess(List<RedisServerProcess> nodes) => _nodes = nodes;

    public IReadOnlyList<RedisServerProcess> Nodes => _nodes;

    /// <summary>The seed nodes, as StackExchange.Redis (and <c>Metrics:Redis</c>) take them: every master, comma-separated.</summary>
    public string ConnectionString => string.Join(",", _nodes.Select(n => n.ConnectionString));

    public static async Task<RedisClusterProcess> StartAsync(int masters = 3, RedisServerOptions? options = null)
    {
        var cluster = new RedisClusterProcess([]);
        try
        {
            var node = (options ?? new RedisServerOptions()) with { ClusterNode = true };
            for (var i = 0; i < masters; i++)
                cluster._nodes.Add(await RedisServerProcess.StartAsync(node with { LogFile = NodeLog(node.LogFile, i) }));
            await cluster.CreateAsync();
            await cluster.WaitUntilReadyAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>The node that serves <paramref name="key"/>'s slot.</summary>
    public RedisServerProcess NodeOf(RedisKey key)
    {
        var first = _nodes[0];
        var slot = (int)first.Admin.GetServer(first.ConnectionString).Execute("CLUSTER", "KEYSLOT", key.ToString());
        return _nodes.Single(n => ServesSlot(n, slot));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
    }

    /// <summary>Whether <paramref name="node"/>'s own line of <c>CLUSTER NODES</c> (flag <c>myself</c>) lists <paramref name="slot"/>: a slot, or a range <c>from-to</c>, from its ninth field on.</summary>
    private static bool ServesSlot(RedisServerProcess node, int slot)
    {
        var nodes = node.Admin.GetServer(node.ConnectionString).Execute("CLUSTER", "NODES").ToString()!;
        var myself = nodes.Split('\n').Select(line => line.Split(' ')).Single(fields => fields.Length > 2 && fields[2].Split(',').Contains("myself"));
        return myself.Skip(8).Select(range => range.Split('-')).Any(range =>
            int.Parse(range[0], CultureInfo.InvariantCulture) <= slot && slot <= int.Parse(range[^1], CultureInfo.InvariantCulture));
    }

    /// <summary>Node <paramref name="index"/>'s log: <c>redis-cluster.log</c> becomes <c>redis-cluster-0.log</c>, …</summary>
    private static string? NodeLog(string? logFile, int index) =>
        logFile is null ? null : Path.Combine(Path.GetDirectoryName(logFile)!, $"{Path.GetFileNameWithoutExtension(logFile)}-{index}{Path.GetExtension(logFile)}");

    private async Task CreateAsync()
    {
        var start = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--cluster");
        start.ArgumentList.Add("create");
        foreach (var node in _nodes)
            start.ArgumentList.Add(node.ConnectionString);
        foreach (var argument in new[] { "--cluster-replicas", "0", "--cluster-yes" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run redis-cli");
        ChildProcesses.Register(process);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ReadyTimeout);
        await process.WaitForExitAsync(timeout.Token);
        ChildProcesses.Forget(process);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"redis-cli --cluster create exited with {process.ExitCode}:\n{await output}{await error}");
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        foreach (var node in _nodes)
        {
            while (!(await node.Admin.GetServer(node.ConnectionString).ExecuteAsync("CLUSTER", "INFO")).ToString()!.Contains("cluster_state:ok"))
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"the Redis Cluster on {ConnectionString} did not say cluster_state:ok within {ReadyTimeout}");
                await Task.Delay(100);
            }
        }
    }
}
