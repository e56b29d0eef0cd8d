using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// A real Metrics.Server process on free loopback ports, configured with <see cref="ProjectCount"/> projects
/// (<c>p0</c>, <c>p1</c>, ...) so that each test can take projects of its own and never sees another's watermark.
/// </summary>
public sealed class MetricsServerProcess : IAsyncDisposable
{
    public const int ProjectCount = 1000;

    /// <summary>Small, so a stalled Logstream subscriber overflows quickly.</summary>
    public const int SubscriberBuffer = 4000;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private MetricsServerProcess(Process process, Uri grpc, Uri json)
    {
        _process = process;
        GrpcAddress = grpc;
        JsonAddress = json;
    }

    public Uri GrpcAddress { get; }

    public Uri JsonAddress { get; }

    /// <summary>Everything the server wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static async Task<MetricsServerProcess> StartAsync(IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var grpc = new Uri($"http://127.0.0.1:{FreePort()}");
        var json = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet", [ServerAssembly()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServerAssembly())!,
        };
        var settings = new Dictionary<string, string>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = grpc.ToString(),
            ["Kestrel:Endpoints:Json:Url"] = json.ToString(),
            ["Metrics:Orleans:SiloPort"] = FreePort().ToString(),
            ["Metrics:Orleans:GatewayPort"] = FreePort().ToString(),
            ["Metrics:Orleans:ClusterId"] = $"test-{Guid.NewGuid():N}",
            ["Metrics:Logstream:SubscriberBuffer"] = SubscriberBuffer.ToString(),
        };
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

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Metrics.Server");
        var server = new MetricsServerProcess(process, grpc, json);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilServingAsync();
        }
        catch
        {
            await server.DisposeAsync(); // a server that never served must not outlive the test run
            throw;
        }
        return server;
    }

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(GrpcAddress);

    public HttpClient CreateHttpClient() => new() { BaseAddress = JsonAddress, Timeout = TimeSpan.FromSeconds(60) };

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private async Task WaitUntilServingAsync()
    {
        using var channel = CreateChannel();
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Metrics.Server exited with {_process.ExitCode}:\n{Output}");
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
