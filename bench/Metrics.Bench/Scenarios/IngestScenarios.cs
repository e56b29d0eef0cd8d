using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Metrics.Bench.Hosting;
using Metrics.Bench.Load;

namespace Metrics.Bench.Scenarios;

/// <summary>S1 (gRPC, Redis deployment), S2 (JSON, Redis deployment) and S8 (gRPC, embedded): the same workload.</summary>
public static class IngestScenarios
{
    public const string S1Title = "Ingest over gRPC, Redis deployment, one node";
    public const string S2Title = "Ingest over JSON (HTTP/1.1), Redis deployment, one node";
    public const string S8Title = "Ingest over gRPC, embedded mode (no Redis)";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(240);

    public static Task<ScenarioResult> RunS1Async(BenchContext context, MetricsServerProcess node) =>
        context.MeasureAsync("S1", S1Title, async (result, _) =>
        {
            var workload = context.IngestWorkload("s1");
            var outcome = await GrpcIngest.RunAsync(node, BenchProject.Ingest, workload, $"{context.RunId}-s1", Limit);
            var floor = context.CompletedRate(FloorScenario.Id);
            Figures.AddThroughput(result, outcome, floor, Target.Min(200_000));
            if (floor is > 0)
                result.Add(Figures.Ratio("ratio_to_floor", "records/s ÷ floor", outcome.RecordsPerSecond / floor.Value, Target.Min(0.5)));
            result.Notes.Add(Describe(workload, context.Date));
        });

    public static Task<ScenarioResult> RunS8Async(BenchContext context, MetricsServerProcess node) =>
        context.MeasureAsync("S8", S8Title, async (result, _) =>
        {
            var workload = context.IngestWorkload("s8");
            var outcome = await GrpcIngest.RunAsync(node, BenchProject.Ingest, workload, $"{context.RunId}-s8", Limit);
            Figures.AddThroughput(result, outcome, context.CompletedRate(FloorScenario.Id));
            if (context.CompletedRate("S1") is { } s1 and > 0)
                result.Add(Figures.Ratio("ratio_to_s1", "records/s ÷ S1", outcome.RecordsPerSecond / s1, Target.Min(1.0)));
            result.Notes.Add(Describe(workload, context.Date));
        });

    public static async Task<ScenarioResult> RunS2Async(BenchContext context, MetricsServerProcess node)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = BenchContext.Callers,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = node.JsonAddress,
            Timeout = TimeSpan.FromSeconds(120),
        };
        await JsonWarmUpAsync(context, http);
        await node.WaitUntilIdleAsync();
        return await context.MeasureAsync("S2", S2Title, async (result, _) =>
        {
            var workload = context.IngestWorkload("s2");
            var outcome = await ClosedLoop.RunAsync(BenchContext.Callers, workload.Calls, Limit,
                k => JsonBodies.Of(workload.Request(k, $"{context.RunId}-s2-{k}")),
                (_, body, cancellation) => PostAsync(http, BenchProject.Json, body, workload.RecordsPerCall, cancellation));
            Figures.AddThroughput(result, outcome, context.CompletedRate(FloorScenario.Id));
            if (context.CompletedRate("S1") is { } s1 and > 0)
                result.Add(Figures.Ratio("ratio_to_s1", "records/s ÷ S1", outcome.RecordsPerSecond / s1));
            result.Notes.Add(Describe(workload, context.Date) + $"; POST /v1/log_custom_metric over {BenchContext.Callers} HTTP/1.1 connections");
        });
    }

    private static async Task JsonWarmUpAsync(BenchContext context, HttpClient http)
    {
        var workload = new IngestWorkload("warmup_json", Metrics: 4, UnitsPerMetric: 1000, Calls: 32, context.Date);
        await ClosedLoop.RunAsync(BenchContext.Callers, workload.Calls, TimeSpan.FromSeconds(60),
            k => JsonBodies.Of(workload.Request(k, $"{context.RunId}-warmup-json-{k}")),
            (_, body, cancellation) => PostAsync(http, BenchProject.Warmup, body, workload.RecordsPerCall, cancellation));
    }

    private static async Task<long> PostAsync(HttpClient http, ProjectKeys project, byte[] body, int records, CancellationToken cancellation)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/log_custom_metric") { Content = content };
        request.Headers.Add(ProjectKeys.KeyHeader, project.IngestKey);
        using var response = await http.SendAsync(request, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {text}");
        using var reply = JsonDocument.Parse(text);
        var accepted = reply.RootElement.TryGetProperty("accepted", out var a) ? a.GetInt32() : 0;
        if (accepted != records)
            throw new InvalidOperationException($"accepted {accepted} of {records} records: {text}");
        return accepted;
    }

    private static string Describe(IngestWorkload workload, string date) =>
        $"{workload.Records:N0} records, {workload.Calls:N0} calls of {workload.RecordsPerCall:N0} (one metric per call, cycling over " +
        $"{workload.Metrics} metrics; units in order), {workload.UnitsPerMetric:N0} units per metric, date {date}, " +
        $"{BenchContext.Callers} callers, an idempotency key per call";
}
