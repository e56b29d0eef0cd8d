using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Metrics.Server.Tests.Operations.Otlp;

namespace Metrics.Server.Tests.Operations;

/// <summary>
/// SPEC §7 traces: with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, a <c>LogCustomMetric</c> call on a Redis deployment node
/// reaches the collector as one trace: the RPC's span naming the project, beneath it the grain calls naming project,
/// metric and day, and beneath those the Redis commands that stored the records. No key is in any span, and no Redis
/// command is a trace of its own.
/// </summary>
[Trait("Category", "RedisDeployment")]
public sealed class TraceTests
{
    private const string Day = "2026-03-04";
    private const string Metric = "traced_metric";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task ALogCustomMetricCallIsOneTraceWithItsGrainCallsAndRedisCommands()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, $"trace-{Guid.NewGuid():N}", new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_TRACES_SAMPLER"] = "parentbased_always_on", // the default traces a tenth of the calls
        });
        var project = TestProject.Of(3);
        using var channel = server.CreateChannel();
        await new IngestService.IngestServiceClient(channel).LogCustomMetricAsync(new LogCustomMetricRequest
        {
            Metrics = { new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = Metric, MetricValue = 2, Date = Day } },
        }, project.IngestHeaders);

        var (rpc, grains, commands) = await TraceOfAsync(collector, project.Name);

        Assert.Equal(2, rpc.Span.Kind); // SERVER
        Assert.Contains(grains, g => g.Span.Name.Contains("Apply", StringComparison.Ordinal)
            && g.Attribute("metrics.project") == project.Name && g.Attribute("metrics.metric") == Metric && g.Attribute("metrics.day") == Day);
        Assert.Contains(grains, g => g.Span.Name.Contains("BeginWrite", StringComparison.Ordinal) && g.Attribute("metrics.project") == project.Name);
        Assert.NotEmpty(commands);
        // The cluster membership's polling of Redis, outside any call, makes no traces of its own.
        Assert.All(collector.Spans.Where(s => s.Scope.Contains("StackExchangeRedis", StringComparison.Ordinal)), s => Assert.NotEqual("", s.ParentId));
        var everything = collector.Spans.SelectMany(s => s.Span.Attributes).Select(a => a.Value.ToString()).ToList();
        Assert.DoesNotContain(everything, v => v.Contains(project.IngestKey, StringComparison.Ordinal) || v.Contains(project.ServerSecret, StringComparison.Ordinal));
    }

    /// <summary>
    /// Waits for the call's trace: its RPC span, the grain spans under it, and the Redis spans under those (the Redis
    /// instrumentation sends its spans a moment after the commands end).
    /// </summary>
    private static async Task<(ReceivedSpan Rpc, List<ReceivedSpan> Grains, List<ReceivedSpan> Commands)> TraceOfAsync(OtlpReceiver collector, string project)
    {
        var deadline = DateTime.UtcNow + Within;
        while (true)
        {
            var spans = collector.Spans.ToList();
            var rpc = spans.FirstOrDefault(s => s.Scope == "Microsoft.AspNetCore" && s.Span.Name.Contains("LogCustomMetric", StringComparison.Ordinal)
                && s.Attribute("metrics.project") == project);
            if (rpc is not null)
            {
                var byId = spans.Where(s => s.TraceId == rpc.TraceId).ToDictionary(s => s.Id);
                bool Under(ReceivedSpan s) => Ancestors(s, byId).Any(a => a.Id == rpc.Id);
                var grains = byId.Values.Where(s => s.Scope == "Microsoft.Orleans.Application" && Under(s)).ToList();
                var commands = byId.Values.Where(s => s.Scope.Contains("StackExchangeRedis", StringComparison.Ordinal) && Under(s)
                    && Ancestors(s, byId).Any(a => a.Scope == "Microsoft.Orleans.Application")).ToList();
                if (grains.Count > 0 && commands.Count > 0)
                    return (rpc, grains, commands);
            }
            Assert.True(DateTime.UtcNow < deadline,
                $"no complete trace of the call within {Within.TotalSeconds:0} s; spans received:\n{string.Join("\n", spans)}");
            await Task.Delay(250);
        }
    }

    private static IEnumerable<ReceivedSpan> Ancestors(ReceivedSpan span, IReadOnlyDictionary<string, ReceivedSpan> byId)
    {
        for (var at = span; byId.TryGetValue(at.ParentId, out var parent); at = parent)
            yield return parent;
    }
}
