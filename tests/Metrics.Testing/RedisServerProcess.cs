using System.Diagnostics;
using StackExchange.Redis;

namespace Metrics.Testing;

/// <summary>
/// A redis-server of a test's or the harness's own on a free loopback port, with its own directory, the
/// append-only file on (synced as <see cref="RedisServerOptions.AppendFsync"/> says: by default on every write, so
/// that a process killed without warning loses nothing it acknowledged) and no RDB snapshots; a restart on the same
/// directory reloads it. Its processes are registered in <see cref="ChildProcesses"/>.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string _executable;
    private readonly RedisServerOptions _options;
    private readonly DirectoryInfo _directory;
    private readonly ProcessOutput _output;
    private Process? _process;
    private ConnectionMultiplexer? _admin;
    private int? _clusterBusPort;

    private RedisServerProcess(string executable, RedisServerOptions options, int port, DirectoryInfo directory)
    {
        _executable = executable;
        _options = options;
        Port = port;
        _directory = directory;
        _output = new ProcessOutput(options.KeepOutput, options.LogFile);
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string of this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The running server's process ID.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("redis-server is not running");

    /// <summary>A connection of the host's own, allowed admin commands, while the server runs.</summary>
    public ConnectionMultiplexer Admin => _admin ?? throw new InvalidOperationException("redis-server is not running");

    /// <summary>Everything redis-server wrote to stdout and stderr so far, over all its runs (when <see cref="RedisServerOptions.KeepOutput"/>).</summary>
    public string Output => _output.Text;

    public static async Task<RedisServerProcess> StartAsync(RedisServerOptions? options = null)
    {
        var redis = new RedisServerProcess(
            FindExecutable(), options ?? new RedisServerOptions(), LoopbackPort.Free(), Directory.CreateTempSubdirectory("metrics-redis-"));
        try
        {
            await redis.RunAsync();
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
        return redis;
    }

    /// <summary>Kills redis-server (SIGKILL): an outage without warning. Acknowledged writes are in the append-only file.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await ChildProcesses.KillAsync(_process);
            _process.Dispose();
            _process = null;
        }
        if (_admin is not null)
        {
            await _admin.CloseAsync(allowCommandsToComplete: false);
            await _admin.DisposeAsync();
            _admin = null;
        }
    }

    /// <summary>Starts redis-server again on the same port and directory, so it reloads its append-only file.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is not null)
            throw new InvalidOperationException("redis-server is still running: stop it first");
        await RunAsync();
    }

    /// <summary>One field of the server's <c>INFO</c>, e.g. <c>total_net_input_bytes</c>.</summary>
    public Task<string> InfoAsync(string field) => InfoAsync(Admin, field);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _output.Dispose();
        _directory.Delete(recursive: true);
    }

    private async Task RunAsync()
    {
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory.FullName,
                     "--appendonly", "yes", "--appendfsync", _options.AppendFsync == AppendFsync.Always ? "always" : "everysec",
                     "--save", "", "--daemonize", "no",
                 })
            start.ArgumentList.Add(argument);
        if (_options.ClusterNode)
        {
            // The cluster bus on a free port of its own: by default it is the port + 10,000, which may be in use.
            _clusterBusPort ??= LoopbackPort.Free();
            foreach (var argument in new[]
                     {
                         "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
                         "--cluster-port", _clusterBusPort.Value.ToString(),
                     })
                start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server");
        ChildProcesses.Register(process);
        _process = process;
        _output.Capture(process);
        _admin = await ConnectWhenAnsweringAsync(process);
    }

    /// <summary>An admin connection, once the server answers PING.</summary>
    private async Task<ConnectionMultiplexer> ConnectWhenAnsweringAsync(Process process)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { ConnectionString },
            AllowAdmin = true,
            AbortOnConnectFail = true,
            ConnectTimeout = 1000,
        };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                // Until the output's end is read, the lines it wrote last (why it stopped) may not be in Output yet.
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode}{_output.Describe()}");
            }
            ConnectionMultiplexer? admin = null;
            try
            {
                admin = await ConnectionMultiplexer.ConnectAsync(options);
                await admin.GetDatabase().PingAsync();
                // PING answers while the append-only file is still loading; the data is there once loading is 0.
                if (await InfoAsync(admin, "loading") == "0")
                    return admin;
            }
            catch (Exception e) when ((e is RedisException or TimeoutException) && DateTime.UtcNow < deadline)
            {
            }
            if (admin is not null)
                await admin.DisposeAsync();
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"redis-server did not answer within {StartTimeout}{_output.Describe()}");
            await Task.Delay(100);
        }
    }

    private async Task<string> InfoAsync(ConnectionMultiplexer admin, string field)
    {
        var sections = await admin.GetServer(ConnectionString).InfoAsync();
        return sections.SelectMany(section => section).Where(pair => pair.Key == field).Select(pair => pair.Value).FirstOrDefault()
            ?? throw new KeyNotFoundException($"redis INFO has no field {field}");
    }

    private static string FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "redis-server"))
        .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "redis-server is not on PATH, and the Redis tests need it: install the Debian package redis-server (apt-get install -y redis-server).");
}
