using System.Diagnostics;
using StackExchange.Redis;

namespace Metrics.Bench.Hosting;

/// <summary>
/// A redis-server of the harness's own on a free loopback port, with its data in a temporary directory: the
/// append-only file on and fsynced every second (Redis' default durability), no RDB snapshots.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private RedisServer(Process process, string directory, int port, ConnectionMultiplexer connection, string version)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Connection = connection;
        Version = version;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    /// <summary>The StackExchange.Redis connection string the server nodes are given.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public string Version { get; }

    /// <summary>The harness's own connection, for the floor and for reading INFO.</summary>
    public ConnectionMultiplexer Connection { get; }

    public static async Task<RedisServer> StartAsync(string logFile)
    {
        var port = LoopbackPort.Free();
        var directory = Directory.CreateTempSubdirectory("metrics-bench-redis-").FullName;
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--bind", "127.0.0.1", "--port", port.ToString(), "--dir", directory,
                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                "--logfile", logFile,
            },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException("redis-server is not installed (Debian: apt-get install redis-server)", e);
        }
        ChildProcesses.Register(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var (connection, version) = await ConnectAsync(process, port, logFile);
            return new RedisServer(process, directory, port, connection, version);
        }
        catch
        {
            await ChildProcesses.KillAsync(process);
            process.Dispose();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    private static async Task<(ConnectionMultiplexer, string)> ConnectAsync(Process process, int port, string logFile)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode}; see {logFile}");
            try
            {
                var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectTimeout=1000,abortConnect=true,allowAdmin=true");
                var info = await connection.GetServer(connection.GetEndPoints()[0]).InfoAsync("server");
                return (connection, info.SelectMany(g => g).FirstOrDefault(p => p.Key == "redis_version").Value ?? "unknown");
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await ChildProcesses.StopAsync(_process, TimeSpan.FromSeconds(10));
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
