using System.Diagnostics;
using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// A real Metrics.Server process on free loopback ports, configured with <see cref="ProjectCount"/> projects
/// (<c>p0</c>, <c>p1</c>, ...) so that each test can take projects of its own and never sees another's watermark.
/// It runs the embedded mode, or a Redis deployment node: on a given Redis, or — when
/// <see cref="TestStorage.UsesRedis"/> — on a redis-server of its own.
/// </summary>
public sealed class MetricsServerProcess : IAsyncDisposable
{
    public const int ProjectCount = 1000;

    /// <summary>Small, so a stalled Logstream subscriber overflows quickly.</summary>
    public const int SubscriberBuffer = 4000;

    private readonly ProcessStartInfo _start;
    private readonly RedisServerProcess? _ownedRedis;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private MetricsServerProcess(ProcessStartInfo start, Uri grpc, Uri json, int siloPort, RedisServerProcess? ownedRedis)
    {
        _start = start;
        GrpcAddress = grpc;
        JsonAddress = json;
        SiloPort = siloPort;
        _ownedRedis = ownedRedis;
    }

    public Uri GrpcAddress { get; }

    /// <summary>The Orleans silo-to-silo port, which names the node in the cluster membership.</summary>
    public int SiloPort { get; }

    public Uri JsonAddress { get; }

    /// <summary>The running server's process ID.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("Metrics.Server is not running");

    /// <summary>Everything the server wrote to stdout and stderr so far, over all its runs.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>A server in the storage mode of the test run (<see cref="TestStorage"/>).</summary>
    public static async Task<MetricsServerProcess> StartAsync(IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var assembly = ServerAssembly(); // before a Redis is started for it
        if (!TestStorage.UsesRedis)
            return await LaunchAsync(assembly, redis: null, $"test-{Guid.NewGuid():N}", extraSettings, ownedRedis: null);
        var redis = await RedisServerProcess.StartAsync();
        return await LaunchAsync(assembly, redis.ConnectionString, $"test-{Guid.NewGuid():N}", extraSettings, ownedRedis: redis);
    }

    /// <summary>
    /// A Redis deployment node keeping its data in <paramref name="redis"/> (a connection string). Nodes started
    /// with the same Redis and <paramref name="clusterId"/> form one cluster, each on ports of its own.
    /// </summary>
    public static Task<MetricsServerProcess> StartOnRedisAsync(
        string redis, string clusterId, IReadOnlyDictionary<string, string>? extraSettings = null) =>
        LaunchAsync(ServerAssembly(), redis, clusterId, extraSettings, ownedRedis: null);

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(GrpcAddress);

    public HttpClient CreateHttpClient() => new() { BaseAddress = JsonAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Kills the process (SIGKILL, as <c>kill -9</c>): no graceful shutdown, nothing flushed.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
            return;
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _process = null;
    }

    /// <summary>
    /// SIGTERM: the node drains — Kestrel lets the calls in flight finish, the silo leaves the cluster — and exits.
    /// Returns its exit code.
    /// </summary>
    public async Task<int> TerminateAsync()
    {
        var process = _process ?? throw new InvalidOperationException("Metrics.Server is not running");
        Signals.Send(process.Id, Signals.Terminate);
        await process.WaitForExitAsync();
        var exitCode = process.ExitCode;
        process.Dispose();
        _process = null;
        return exitCode;
    }

    /// <summary>SIGSTOP: the process freezes, connections open, as a node in a long GC pause or a stalled VM.</summary>
    public void Pause() => Signals.Send(ProcessId, Signals.Stop);

    /// <summary>SIGCONT after <see cref="Pause"/>: the node wakes up, unaware of the time it lost.</summary>
    public void Resume() => Signals.Send(ProcessId, Signals.Continue);

    /// <summary>True once the process has ended by itself (e.g. a node that found itself declared dead).</summary>
    public async Task<bool> ExitsWithinAsync(TimeSpan bound)
    {
        var process = _process ?? throw new InvalidOperationException("Metrics.Server is not running");
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Starts a new process with the same ports and settings (same Redis and cluster), e.g. after <see cref="KillAsync"/>.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is not null)
            throw new InvalidOperationException("Metrics.Server is still running: kill it first");
        await RunAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        if (_ownedRedis is not null)
            await _ownedRedis.DisposeAsync();
    }

    private static async Task<MetricsServerProcess> LaunchAsync(
        string assembly, string? redis, string clusterId, IReadOnlyDictionary<string, string>? extraSettings, RedisServerProcess? ownedRedis)
    {
        var grpc = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var json = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var siloPort = LoopbackPort.Free();
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        var settings = new Dictionary<string, string>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = grpc.ToString(),
            ["Kestrel:Endpoints:Json:Url"] = json.ToString(),
            ["Metrics:Orleans:SiloPort"] = siloPort.ToString(),
            ["Metrics:Orleans:GatewayPort"] = LoopbackPort.Free().ToString(),
            ["Metrics:Orleans:ClusterId"] = clusterId,
            ["Metrics:Logstream:SubscriberBuffer"] = SubscriberBuffer.ToString(),
        };
        if (redis is not null)
            settings["Metrics:Redis"] = redis;
        for (var i = 0; i < ProjectCount; i++)
        {
            var project = TestProject.Of(i);
            settings[$"Metrics:Projects:{project.Name}:ServerSecrets:0"] = project.ServerSecret;
            settings[$"Metrics:Projects:{project.Name}:IngestKeys:0"] = project.IngestKey;
        }
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
            settings[key] = value;
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__")] = value;

        var server = new MetricsServerProcess(start, grpc, json, siloPort, ownedRedis);
        try
        {
            await server.RunAsync();
        }
        catch
        {
            await server.DisposeAsync(); // a server that never served must not outlive the test run, nor its Redis
            throw;
        }
        return server;
    }

    private async Task RunAsync()
    {
        var process = Process.Start(_start) ?? throw new InvalidOperationException("could not start Metrics.Server");
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitUntilServingAsync(process);
        }
        catch
        {
            await KillAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private async Task WaitUntilServingAsync(Process process)
    {
        using var channel = CreateChannel();
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                // Until the output's end is read, the lines it wrote last (why it stopped) may not be in Output yet.
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"Metrics.Server exited with {process.ExitCode}:\n{Output}");
            }
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                    return;
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Metrics.Server did not start serving:\n{Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>The server built beside this test assembly, in the same configuration.</summary>
    private static string ServerAssembly()
    {
        var testDir = AppContext.BaseDirectory; // tests/Metrics.Server.Tests/bin/{Configuration}/net10.0/
        var framework = new DirectoryInfo(testDir).Name;
        var configuration = new DirectoryInfo(testDir).Parent!.Name;
        var root = Path.GetFullPath(Path.Combine(testDir, "..", "..", "..", "..", ".."));
        var path = Path.Combine(root, "services", "Metrics.Server", "bin", configuration, framework, "Metrics.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build the solution first", path);
    }
}
