using Google.Protobuf;
using Metrics.Bench.Load;
using Metrics.Contracts.V1;
using StackExchange.Redis;

namespace Metrics.Bench.Scenarios;

/// <summary>
/// FLOOR: what Redis and StackExchange.Redis allow on this machine with no gRPC and no Orleans. S1's records,
/// request by request, grouped by metric; each group's rows serialized (protobuf <see cref="MetricRecord"/>s)
/// and appended like the server appends a slice — RPUSH onto a journal list per metric-day and XADD (MAXLEN
/// 100,000) onto one stream — with the commands of a request pipelined and awaited together, from 8 concurrent
/// writers over one multiplexer (as a node has one).
/// </summary>
public static class FloorScenario
{
    public const string Id = "FLOOR";
    public const string Title = "Floor: S1's records appended to Redis with pipelining, no gRPC, no Orleans";
    private const int StreamMaxLength = 100_000;

    public static Task<ScenarioResult> RunAsync(BenchContext context) => context.MeasureAsync(Id, Title, async (result, _) =>
    {
        var workload = context.IngestWorkload("s1");
        var db = context.Redis.Admin.GetDatabase();
        var project = $"bench-floor-{context.RunId}";
        RedisKey stream = $"floor:{{{project}}}:logstream";
        RedisKey Journal(string metric) => $"floor:{{{project}}}:journal:{metric}:{context.Date}";

        var outcome = await ClosedLoop.RunAsync(BenchContext.Callers, workload.Calls, TimeSpan.FromSeconds(120),
            k => workload.Request(k, $"{context.RunId}-floor-{k}"),
            async (_, request, _) =>
            {
                var batch = db.CreateBatch();
                var pending = new List<Task>();
                foreach (var group in request.Metrics.GroupBy(r => r.MetricName))
                {
                    var rows = new LogCustomMetricRequest();
                    rows.Metrics.AddRange(group);
                    var payload = rows.ToByteArray();
                    pending.Add(batch.ListRightPushAsync(Journal(group.Key), payload));
                    pending.Add(batch.StreamAddAsync(stream,
                        [new NameValueEntry("m", group.Key), new NameValueEntry("d", context.Date), new NameValueEntry("s", payload)],
                        maxLength: StreamMaxLength, useApproximateMaxLength: false));
                }
                batch.Execute();
                await Task.WhenAll(pending);
                return request.Metrics.Count;
            });
        Figures.AddThroughput(result, outcome, floor: null);
        result.Notes.Add($"{outcome.Records:N0} records in {outcome.Calls:N0} requests of {workload.RecordsPerCall:N0}, {BenchContext.Callers} writers; " +
                         "per metric group one RPUSH and one XADD MAXLEN 100000, pipelined");

        await db.KeyDeleteAsync(workload.MetricNames.Select(Journal).Append(stream).ToArray());
    });
}
