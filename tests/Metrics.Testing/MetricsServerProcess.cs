using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Metrics.Testing;

/// <summary>
/// A real Metrics.Server process on free loopback ports, configured through environment variables
/// (<see cref="MetricsServerOptions.Settings"/>). It can be killed (SIGKILL), terminated (SIGTERM), paused and
/// resumed (SIGSTOP, SIGCONT), and started again on the same ports and settings, as a restarted node would be.
/// Its processes are registered in <see cref="ChildProcesses"/>.
/// </summary>
public sealed class MetricsServerProcess : IAsyncDisposable
{
    private readonly MetricsServerOptions _options;
    private readonly ProcessStartInfo _start;
    private readonly ProcessOutput _output;
    private Process? _process;
    private bool _disposed;

    private MetricsServerProcess(MetricsServerOptions options)
    {
        _options = options;
        _output = new ProcessOutput(options.KeepOutput, options.LogFile);
        var scheme = options.TrustedCertificate is null ? "http" : "https";
        GrpcAddress = new Uri($"{scheme}://127.0.0.1:{LoopbackPort.Free()}");
        JsonAddress = new Uri($"{scheme}://127.0.0.1:{LoopbackPort.Free()}");
        AdminAddress = new Uri($"{scheme}://127.0.0.1:{LoopbackPort.Free()}");
        SiloPort = LoopbackPort.Free();
        _start = new ProcessStartInfo("dotnet", [options.ServerAssembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(options.ServerAssembly)!,
        };
        var settings = new Dictionary<string, string>(options.Settings)
        {
            ["Kestrel:Endpoints:Grpc:Url"] = GrpcAddress.ToString(),
            ["Kestrel:Endpoints:Json:Url"] = JsonAddress.ToString(),
            ["Kestrel:Endpoints:Admin:Url"] = AdminAddress.ToString(),
            ["Metrics:Orleans:SiloPort"] = SiloPort.ToString(),
            ["Metrics:Orleans:GatewayPort"] = LoopbackPort.Free().ToString(),
        };
        foreach (var (key, value) in settings)
            _start.Environment[key.Replace(":", "__")] = value;
        foreach (var (name, value) in options.RuntimeEnvironment)
            _start.Environment[name] = value;
    }

    public string Name => _options.Name;

    public Uri GrpcAddress { get; }

    public Uri JsonAddress { get; }

    /// <summary>The admin endpoint: <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>.</summary>
    public Uri AdminAddress { get; }

    /// <summary>The Orleans silo-to-silo port, which names the node in the cluster membership.</summary>
    public int SiloPort { get; }

    /// <summary>The running server's process ID.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException($"{Name} is not running");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything the server wrote to stdout and stderr so far, over all its runs (when <see cref="MetricsServerOptions.KeepOutput"/>).</summary>
    public string Output => _output.Text;

    /// <summary>Starts the server and waits until gRPC health answers SERVING; a server that never served is ended, with what it owns.</summary>
    public static async Task<MetricsServerProcess> StartAsync(MetricsServerOptions options)
    {
        var server = new MetricsServerProcess(options);
        try
        {
            await server.RunAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public GrpcChannel CreateChannel()
    {
        var options = new GrpcChannelOptions { DisposeHttpClient = true };
        if (_options.MaxChannelMessageBytes is { } limit)
            (options.MaxReceiveMessageSize, options.MaxSendMessageSize) = (limit, limit);
        if (_options.TrustedCertificate is { } certificate)
            options.HttpHandler = TrustedCertificate.Handler(certificate);
        return GrpcChannel.ForAddress(GrpcAddress, options);
    }

    public HttpClient CreateHttpClient() => CreateHttpClient(JsonAddress);

    /// <summary>A client of the admin endpoint, <see cref="AdminAddress"/>.</summary>
    public HttpClient CreateAdminClient() => CreateHttpClient(AdminAddress);

    private HttpClient CreateHttpClient(Uri address) =>
        new(_options.TrustedCertificate is { } certificate ? TrustedCertificate.Handler(certificate) : new SocketsHttpHandler())
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>Kills the process (SIGKILL, as <c>kill -9</c>): no graceful shutdown, nothing flushed, the cluster not told.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
            return;
        await ChildProcesses.KillAsync(_process);
        _process.Dispose();
        _process = null;
    }

    /// <summary>
    /// SIGTERM: the node drains — Kestrel lets the calls in flight finish, the silo leaves the cluster — and exits.
    /// Returns its exit code.
    /// </summary>
    public async Task<int> TerminateAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running");
        Signals.Send(process.Id, Signals.Terminate);
        await process.WaitForExitAsync();
        var exitCode = process.ExitCode;
        ChildProcesses.Forget(process);
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
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running");
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

    /// <summary>
    /// Starts a new process with the same ports and settings (same Redis and cluster), after <see cref="KillAsync"/>,
    /// <see cref="TerminateAsync"/> or an exit of its own.
    /// </summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
            throw new InvalidOperationException($"{Name} is still running: kill it first");
        await KillAsync(); // only forgets a process that exited by itself
        await RunAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_process is not null && _options.StopGrace is { } grace)
            await ChildProcesses.StopAsync(_process, grace);
        await KillAsync();
        _output.Dispose();
        if (_options.Owned is not null)
            await _options.Owned.DisposeAsync();
    }

    private async Task RunAsync()
    {
        if (!File.Exists(_options.ServerAssembly))
            throw new FileNotFoundException("build the solution first (dotnet build Metrics.sln)", _options.ServerAssembly);
        _output.Mark($"==== {DateTime.UtcNow:O} starting {Name}");
        var process = Process.Start(_start) ?? throw new InvalidOperationException($"could not start {Name}");
        ChildProcesses.Register(process);
        _process = process;
        _output.Capture(process);
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

    private async Task WaitUntilServingAsync(Process process)
    {
        using var channel = CreateChannel();
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                // Until the output's end is read, the lines it wrote last (why it stopped) may not be in the output yet.
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} while starting{_output.Describe()}");
            }
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                    return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Name} did not report SERVING within {_options.StartTimeout.TotalSeconds:0} s{_output.Describe()}");
            await Task.Delay(200);
        }
    }
}
