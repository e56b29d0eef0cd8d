using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Metrics.Bench.Hosting;

/// <summary>
/// A Metrics.Server process on free loopback ports, configured through environment variables: embedded when
/// <paramref name="redis"/> is null, else a node of the Redis deployment in cluster <paramref name="clusterId"/>.
/// It can be killed with SIGKILL and started again on the same ports and settings, as a restarted node would be.
/// </summary>
public sealed class ServerNode(string name, string serverAssembly, string? redis, string clusterId, string logFile) : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly int _grpcPort = LoopbackPort.Free();
    private readonly int _jsonPort = LoopbackPort.Free();
    private readonly int _siloPort = LoopbackPort.Free();
    private readonly int _gatewayPort = LoopbackPort.Free();
    private Process? _process;

    public string Name { get; } = name;

    public Uri GrpcAddress => new($"http://127.0.0.1:{_grpcPort}");

    public Uri JsonAddress => new($"http://127.0.0.1:{_jsonPort}");

    public int Pid => _process?.Id ?? throw new InvalidOperationException($"{Name} is not running");

    /// <summary>The Orleans silo port, which names the node in the cluster membership.</summary>
    public int SiloPort => _siloPort;

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<ServerNode> StartAsync(string name, string serverAssembly, string? redis, string clusterId, string logDirectory)
    {
        var node = new ServerNode(name, serverAssembly, redis, clusterId, Path.Combine(logDirectory, $"{name}.log"));
        await node.StartAsync();
        return node;
    }

    /// <summary>Starts the process (again, after a kill) and waits until gRPC health answers SERVING.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
            throw new InvalidOperationException($"{Name} is already running");
        var start = new ProcessStartInfo("dotnet", [serverAssembly])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(serverAssembly)!,
        };
        foreach (var (key, value) in Settings())
            start.Environment[key] = value;

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"==== {DateTime.UtcNow:O} starting {Name}");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Name}");
        ChildProcesses.Register(process);
        _process = process;
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Exited += (_, _) =>
        {
            lock (log)
                log.Dispose();
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilServingAsync(process);
    }

    /// <summary>
    /// Waits (at most 20 s) until the node uses less than a tenth of a core: after warm-up calls the runtime keeps
    /// compiling hot methods in the background for a few seconds, which would take CPU from the next measurement.
    /// </summary>
    public async Task WaitUntilIdleAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var before = CpuMeter.CpuTime(Pid);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            var now = CpuMeter.CpuTime(Pid);
            if (now is null || before is null || (now.Value - before.Value).TotalSeconds < 0.05)
                return;
            before = now;
        }
    }

    /// <summary>SIGKILL: the node dies as in a crash, without leaving the cluster.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
            await ChildProcesses.KillAsync(_process);
    }

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 64 * 1024 * 1024,
        MaxSendMessageSize = 64 * 1024 * 1024,
    });

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await ChildProcesses.StopAsync(_process, TimeSpan.FromSeconds(20));
            _process.Dispose();
            _process = null;
        }
    }

    private Dictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Grpc__Url"] = GrpcAddress.ToString(),
            ["Kestrel__Endpoints__Json__Url"] = JsonAddress.ToString(),
            ["Metrics__Orleans__SiloPort"] = _siloPort.ToString(),
            ["Metrics__Orleans__GatewayPort"] = _gatewayPort.ToString(),
            ["Metrics__Orleans__ClusterId"] = clusterId,
        };
        if (redis is not null)
            settings["Metrics__Redis"] = redis;
        foreach (var project in BenchProject.All)
        {
            settings[$"Metrics__Projects__{project.Name}__ServerSecrets__0"] = project.ServerSecret;
            settings[$"Metrics__Projects__{project.Name}__IngestKeys__0"] = project.IngestKey;
        }
        settings[$"Metrics__Projects__{BenchProject.CatalogLarge.Name}__Quotas__MetricNames"] = "1000000";
        settings[$"Metrics__Projects__{BenchProject.CatalogLarge.Name}__Quotas__OpenMetricDays"] = "1000000";
        return settings;
    }

    private async Task WaitUntilServingAsync(Process process)
    {
        using var channel = CreateChannel();
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                ChildProcesses.Forget(process);
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} while starting; see {logFile}");
            }
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                    return;
            }
            catch (RpcException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                await ChildProcesses.KillAsync(process);
                throw new TimeoutException($"{Name} did not report SERVING within {StartTimeout.TotalSeconds:0} s; see {logFile}");
            }
            await Task.Delay(200);
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
