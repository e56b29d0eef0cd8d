using System.Diagnostics;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;
using Metrics.Bench.Scenarios;
using Spectre.Console;

namespace Metrics.Bench;

/// <summary>What the scenarios of one run share: options, the Redis server, the day they write, the results so far.</summary>
public sealed class BenchContext(BenchOptions options, RedisServerProcess redis, string logDirectory, string workDirectory)
{
    /// <summary>Concurrent callers of the ingest scenarios, each with a connection of its own.</summary>
    public const int Callers = 8;

    public BenchOptions Options { get; } = options;

    public RedisServerProcess Redis { get; } = redis;

    public string WorkDirectory { get; } = workDirectory;

    /// <summary>Where the run's server, Redis and tool logs go.</summary>
    public string LogDirectory { get; } = logDirectory;

    /// <summary>Part of every idempotency key and cluster ID of the run.</summary>
    public string RunId { get; } = DateTime.UtcNow.ToString("yyyyMMddHHmmss");

    /// <summary>The Pacific day every scenario writes: the day before yesterday, so it can be sealed now.</summary>
    public string Date { get; } = PacificTime.DaysAgo(2);

    public List<ScenarioResult> Results { get; } = [];

    /// <summary>Every node started in the run; those still running are watched by each scenario's CPU meter.</summary>
    private readonly List<MetricsServerProcess> _nodes = [];

    /// <summary>S1's workload (also the floor's and S2's and S8's): 2,000 calls of 1,000 records over 20 metrics × 100,000 units at full scale.</summary>
    public IngestWorkload IngestWorkload(string metricPrefix) =>
        // At least a call per metric, however small the scale: S5 reads every metric-day S1 wrote.
        new(metricPrefix, Metrics: 20, UnitsPerMetric: Options.Scaled(100_000, 1000), Calls: Options.Scaled(2000, 20), Date);

    /// <summary>The Orleans cluster ID of the run's nodes of <paramref name="cluster"/>.</summary>
    public string ClusterId(string cluster) => $"bench-{RunId}-{cluster}";

    /// <summary>Starts a server node (on the run's Redis, or embedded) and says where it runs, e.g. to attach dotnet-counters.</summary>
    public Task<MetricsServerProcess> StartNodeAsync(string name, bool onRedis, string cluster, IReadOnlyDictionary<string, string>? settings = null) =>
        StartNodeOnAsync(name, onRedis ? Redis.ConnectionString : null, cluster, settings);

    /// <summary>Starts a server node on the Redis (or Redis Cluster) <paramref name="redis"/> names, or embedded when it is null.</summary>
    public async Task<MetricsServerProcess> StartNodeOnAsync(string name, string? redis, string cluster, IReadOnlyDictionary<string, string>? settings = null)
    {
        var node = await MetricsServerProcess.StartAsync(
            BenchNode.Options(name, Options.ServerAssembly, redis, ClusterId(cluster), LogDirectory, settings));
        _nodes.Add(node);
        Progress($"{name} serving ({(redis is null ? "embedded" : $"Redis deployment on {redis}")}): pid {node.ProcessId}, gRPC {node.GrpcAddress}, JSON {node.JsonAddress}");
        return node;
    }

    /// <summary>The records/s of a scenario of this run that completed, if any.</summary>
    public double? CompletedRate(string id) =>
        Results.FirstOrDefault(r => r.Id == id && r.Status == ScenarioStatus.Completed)?.Value(Figures.RecordsPerSecond);

    /// <summary>
    /// Runs one scenario: watches the CPU of the harness, Redis and every running node meanwhile, and turns an
    /// exception into a failed result, so that the run goes on with the next scenario.
    /// </summary>
    public async Task<ScenarioResult> MeasureAsync(string id, string title, Func<ScenarioResult, CpuMeter, Task> body)
    {
        var result = new ScenarioResult(id, title);
        Results.Add(result);
        Progress($"{id}: {title}");
        var cpu = CpuMeter.ForHarness().Watch("redis", Redis.ProcessId);
        foreach (var node in _nodes.Where(n => n.IsRunning))
            cpu.Watch(node.Name, node.ProcessId);
        var clock = Stopwatch.StartNew();
        try
        {
            await body(result, cpu);
        }
        catch (Exception e)
        {
            Fail(result, e);
        }
        result.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
        result.CoresUsed = cpu.CoresUsed();
        Progress($"{id}: {result.Status.ToString().ToLowerInvariant()} in {result.Seconds:0.0} s"
            + (result.Error is null ? "" : $": {result.Error}"));
        return result;
    }

    /// <summary>Records scenarios that could not run at all, e.g. because their node did not start.</summary>
    public void FailUnstarted(IEnumerable<(string Id, string Title)> scenarios, Exception error)
    {
        foreach (var (id, title) in scenarios)
        {
            var result = new ScenarioResult(id, title);
            Fail(result, error);
            Results.Add(result);
            Progress($"{id}: failed: {result.Error}");
        }
    }

    public static void Progress(string message) =>
        AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(message)}");

    private static void Fail(ScenarioResult result, Exception error)
    {
        result.Status = ScenarioStatus.Failed;
        result.Error = error is BenchCallFailedException { InnerException: { } inner }
            ? $"{error.Message} ({inner.GetType().Name})"
            : $"{error.GetType().Name}: {error.Message}";
    }
}
