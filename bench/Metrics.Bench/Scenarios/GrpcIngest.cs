using Grpc.Core;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;
using Metrics.Contracts.V1;

namespace Metrics.Bench.Scenarios;

/// <summary>Ingest over gRPC: 8 callers, each on a channel (an HTTP/2 connection) of its own.</summary>
public static class GrpcIngest
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(120);

    public static Task<LoadOutcome> RunAsync(
        MetricsServerProcess node, ProjectKeys project, IngestWorkload workload, string keyPrefix, TimeSpan limit, int callers = BenchContext.Callers) =>
        RunAsync([node], project, workload, keyPrefix, limit, callers);

    public static Task<LoadOutcome> RunAsync(
        IReadOnlyList<MetricsServerProcess> nodes, ProjectKeys project, IngestWorkload workload, string keyPrefix, TimeSpan limit, int callers = BenchContext.Callers) =>
        RunAsync(nodes, [project], workload, keyPrefix, limit, callers);

    /// <summary>The callers spread over <paramref name="nodes"/> and <paramref name="projects"/>: caller <c>c</c> calls node <c>c mod n</c> for project <c>c mod p</c>.</summary>
    public static async Task<LoadOutcome> RunAsync(
        IReadOnlyList<MetricsServerProcess> nodes, IReadOnlyList<ProjectKeys> projects, IngestWorkload workload, string keyPrefix, TimeSpan limit,
        int callers = BenchContext.Callers)
    {
        var channels = Enumerable.Range(0, callers).Select(c => nodes[c % nodes.Count].CreateChannel()).ToArray();
        var clients = channels.Select(c => new IngestService.IngestServiceClient(c)).ToArray();
        var headers = Enumerable.Range(0, callers).Select(c => projects[c % projects.Count].IngestHeaders).ToArray();
        try
        {
            return await ClosedLoop.RunAsync(callers, workload.Calls, limit,
                k => workload.Request(k, $"{keyPrefix}-{k}"),
                async (caller, request, cancellation) =>
                {
                    var reply = await clients[caller].LogCustomMetricAsync(
                        request, headers[caller], DateTime.UtcNow + CallDeadline, cancellation);
                    return Applied(reply, request);
                });
        }
        finally
        {
            foreach (var channel in channels)
                channel.Dispose();
        }
    }

    /// <summary>
    /// A run as <see cref="RunAsync(IReadOnlyList{MetricsServerProcess}, IReadOnlyList{ProjectKeys}, IngestWorkload, string, TimeSpan, int)"/>
    /// with the cores used meanwhile by each node, by each of <paramref name="redis"/> (named process IDs) and by
    /// the harness; a run that reaches <paramref name="limit"/> fails, naming <paramref name="label"/>.
    /// </summary>
    public static async Task<(LoadOutcome Outcome, IReadOnlyDictionary<string, double> Cores)> MeasureAsync(
        string label, IReadOnlyList<MetricsServerProcess> nodes, IReadOnlyDictionary<string, int> redis, IReadOnlyList<ProjectKeys> projects,
        IngestWorkload workload, string keyPrefix, TimeSpan limit)
    {
        var cpu = CpuMeter.ForHarness();
        foreach (var (name, pid) in redis)
            cpu.Watch(name, pid);
        foreach (var node in nodes)
            cpu.Watch(node.Name, node.ProcessId);
        var outcome = await RunAsync(nodes, projects, workload, keyPrefix, limit);
        var cores = cpu.CoresUsed();
        if (outcome.TimedOut)
            throw new InvalidOperationException($"{label}: time limit reached after {outcome.Calls} of {outcome.PlannedCalls} calls");
        return (outcome, cores);
    }

    /// <summary>
    /// A few calls into a project of their own, so that the measured calls do not pay for JIT compilation; then
    /// waits until the node is idle again.
    /// </summary>
    public static async Task WarmUpAsync(BenchContext context, MetricsServerProcess node)
    {
        await RunAsync(node, BenchProject.Warmup, new IngestWorkload("warmup", Metrics: 4, UnitsPerMetric: 1000, Calls: 32, context.Date),
            $"{context.RunId}-warmup-{node.Name}", TimeSpan.FromSeconds(60));
        await node.WaitUntilIdleAsync();
    }

    public static long Applied(LogCustomMetricResponse reply, LogCustomMetricRequest request)
    {
        if (!reply.Success || reply.Accepted != request.Metrics.Count)
            throw new InvalidOperationException(
                $"{request.IdempotencyKey}: accepted {reply.Accepted} of {request.Metrics.Count} records (success {reply.Success}, duplicate {reply.Duplicate})");
        return reply.Accepted;
    }
}
