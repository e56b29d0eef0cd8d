using System.Diagnostics;
using Grpc.Core;
using Metrics.Bench.Hosting;
using Metrics.Contracts.V1;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// SPEC §7 "Failover", on a cluster of its own over the run's Redis. Three nodes start; project i of
/// <see cref="BenchProject.Failover"/> is called first through node i mod 3, so that every node holds some
/// projects' grains, then through every node. Then, in order:
/// <list type="number">
/// <item>FAILOVER_KILL: the third node is killed with SIGKILL. Rounds of calls — one ingest into every project
/// through each survivor, 2 s deadline — go on back to back; the figure is the time from the kill to the end of the
/// first round answered OK throughout.</item>
/// <item>FAILOVER_REPLACE: once the third node is declared dead, the second node is killed and, at once, a replacement is started on new ports (silo,
/// gateway, gRPC and JSON), as a container platform would; the figure is the time from its start to the end of
/// the first round through it answered OK for every project (an ingest and a read each).</item>
/// <item>COLD_START: every node left is killed and a fresh one started on new ports at once: the membership lists
/// only dead nodes, none of which answers; the figure is the time from the kill to its first round answered OK.</item>
/// </list>
/// </summary>
public static class FailoverScenarios
{
    public const string KillTitle = "One of three nodes killed: seconds until the others serve every project";
    public const string ReplaceTitle = "Replacement node on new ports: seconds until it serves every project";
    public const string ColdStartTitle = "Every node killed, a fresh one on new ports: seconds until it serves";

    private static readonly TimeSpan RoundDeadline = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(6);

    public static async Task RunAsync(BenchContext context)
    {
        var options = context.Options;
        if (!new[] { "FAILOVER_KILL", "FAILOVER_REPLACE", "COLD_START" }.Any(options.Runs))
            return;
        var nodes = new List<MetricsServerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
                nodes.Add(await context.StartNodeAsync($"node-failover-{i}", onRedis: true, "failover"));
            var round = 0;
            async Task<Round> RoundAsync(IReadOnlyList<MetricsServerProcess> through, bool read, IEnumerable<ProjectKeys>? projects = null) =>
                await Round.RunAsync(context, through, $"r{round++}", read, projects ?? BenchProject.Failover);
            // Project i's grains are activated first through node i mod 3 (Orleans places a new activation on the
            // calling node when it can), then every node serves every project once.
            for (var n = 0; n < nodes.Count; n++)
                await UntilServedAsync(() => RoundAsync([nodes[n]], read: true, BenchProject.Failover.Where((_, p) => p % nodes.Count == n)));
            await UntilServedAsync(() => RoundAsync(nodes, read: true));

            if (options.Runs("FAILOVER_KILL"))
                await context.MeasureAsync("FAILOVER_KILL", KillTitle, async (result, _) =>
                {
                    var clock = Stopwatch.StartNew();
                    await nodes[2].KillAsync();
                    var (rounds, failures) = await UntilServedAsync(() => RoundAsync(nodes.Take(2).ToList(), read: false));
                    result.Add(new Figure("seconds_until_served", "until every project served", clock.Elapsed.TotalSeconds, "s", Target.Max(10)));
                    result.Add(new Figure("rounds", "rounds of calls", rounds, "rounds"));
                    result.Notes.Add($"failed calls meanwhile: {failures}");
                });
            // The next scenario starts from one dead member, not two dying at once (which needs their heartbeats to go stale).
            await DeclaredDeadAsync(context, nodes[2]);

            if (options.Runs("FAILOVER_REPLACE"))
                await context.MeasureAsync("FAILOVER_REPLACE", ReplaceTitle, async (result, _) =>
                {
                    await nodes[1].KillAsync();
                    var clock = Stopwatch.StartNew();
                    var replacement = await context.StartNodeAsync("node-failover-replacement", onRedis: true, "failover");
                    nodes.Add(replacement);
                    var started = clock.Elapsed.TotalSeconds;
                    var (rounds, failures) = await UntilServedAsync(() => RoundAsync([replacement], read: true));
                    result.Add(new Figure("seconds_until_served", "until it serves every project", clock.Elapsed.TotalSeconds, "s", Target.Max(15)));
                    result.Add(new Figure("seconds_until_health", "until its health says SERVING", started, "s"));
                    result.Add(new Figure("rounds", "rounds of calls", rounds, "rounds"));
                    result.Notes.Add($"started at once after a kill of another node, with that node still listed as active; failed calls meanwhile: {failures}");
                });

            if (options.Runs("COLD_START"))
                await context.MeasureAsync("COLD_START", ColdStartTitle, async (result, _) =>
                {
                    var clock = Stopwatch.StartNew();
                    foreach (var node in nodes)
                        await node.KillAsync();
                    var fresh = await context.StartNodeAsync("node-failover-fresh", onRedis: true, "failover");
                    nodes.Add(fresh);
                    var started = clock.Elapsed.TotalSeconds;
                    var (rounds, failures) = await UntilServedAsync(() => RoundAsync([fresh], read: true));
                    result.Add(new Figure("seconds_until_served", "until it serves every project", clock.Elapsed.TotalSeconds, "s", Target.Max(30)));
                    result.Add(new Figure("seconds_until_health", "until its health says SERVING", started, "s"));
                    result.Add(new Figure("rounds", "rounds of calls", rounds, "rounds"));
                    result.Notes.Add($"every node killed, the fresh one started at once on new ports; failed calls meanwhile: {failures}");
                });
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
    }

    /// <summary>Waits until the membership (Redis hash <c>metrics/members/{cluster}</c>) lists the node's silo as dead.</summary>
    private static async Task DeclaredDeadAsync(BenchContext context, MetricsServerProcess node)
    {
        var giveUpAt = DateTime.UtcNow + GiveUpAfter;
        var db = context.Redis.Admin.GetDatabase();
        while (DateTime.UtcNow < giveUpAt)
        {
            var entries = await db.HashGetAllAsync($"metrics/members/{context.ClusterId("failover")}");
            if (entries.Any(e => e.Name.ToString().Contains($":{node.SiloPort}:", StringComparison.Ordinal)
                                 && e.Value.ToString().Contains("\"Status\":6", StringComparison.Ordinal)))
                return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"{node.Name} was not declared dead within {GiveUpAfter.TotalMinutes:0} minutes");
    }

    private static async Task<(int Rounds, string Failures)> UntilServedAsync(Func<Task<Round>> round)
    {
        var giveUpAt = DateTime.UtcNow + GiveUpAfter;
        var failures = new Dictionary<StatusCode, int>();
        for (var rounds = 1; ; rounds++)
        {
            var outcome = await round();
            foreach (var code in outcome.FailedCodes)
                failures[code] = failures.GetValueOrDefault(code) + 1;
            if (outcome.AllOk)
                return (rounds, failures.Count == 0 ? "none" : string.Join(", ", failures.Select(f => $"{f.Key} x{f.Value}")));
            if (DateTime.UtcNow > giveUpAt)
                throw new TimeoutException($"still not serving every project after {GiveUpAfter.TotalMinutes:0} minutes: {outcome.Failure}");
            await Task.Delay(100);
        }
    }

    /// <summary>One ingest (and, with <c>read</c>, one read) into every failover project through each node, all at once.</summary>
    private sealed record Round(IReadOnlyList<StatusCode> FailedCodes, string? Failure)
    {
        public bool AllOk => FailedCodes.Count == 0;

        public static async Task<Round> RunAsync(
            BenchContext context, IReadOnlyList<MetricsServerProcess> nodes, string name, bool read, IEnumerable<ProjectKeys> projects)
        {
            var channels = nodes.Select(n => n.CreateChannel()).ToList();
            try
            {
                var calls = projects.SelectMany(project => channels.Select(async (channel, n) =>
                {
                    var deadline = DateTime.UtcNow + RoundDeadline;
                    try
                    {
                        var request = new LogCustomMetricRequest
                        {
                            IdempotencyKey = $"{context.RunId}-failover-{name}-{n}",
                            Metrics =
                            {
                                new MetricRecord { UserId = $"{name}-{n}", IdType = "user_id", MetricName = "failover", MetricValue = 1, Date = context.Date },
                            },
                        };
                        await new IngestService.IngestServiceClient(channel).LogCustomMetricAsync(request, project.IngestHeaders, deadline);
                        if (read)
                            await new MetricsService.MetricsServiceClient(channel).GetMetricDayAsync(
                                new GetMetricDayRequest { MetricName = "failover", Date = context.Date }, project.SecretHeaders, deadline);
                        return (StatusCode?)null;
                    }
                    catch (RpcException e)
                    {
                        return e.StatusCode;
                    }
                })).ToList();
                var codes = (await Task.WhenAll(calls)).OfType<StatusCode>().ToList();
                return new Round(codes, codes.Count == 0 ? null : $"{codes.Count} of {calls.Count} calls failed ({string.Join(", ", codes.Distinct())})");
            }
            finally
            {
                foreach (var channel in channels)
                    channel.Dispose();
            }
        }
    }
}
