using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Health.V1;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// Redis goes away under traffic and comes back: calls fail with UNAVAILABLE (nothing else), in the product's
/// words with a request ID, health says NOT_SERVING and then SERVING again, and callers that retry every failed call with its idempotency key end
/// with every batch counted exactly once — none lost, none twice, none in part.
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    private const int Callers = 4;
    private const int UnitsPerCaller = 5;
    private const string Day = "2026-08-12";
    private static readonly string[] Metrics = ["outage_a", "outage_b"];
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task CallsFailUnavailableDuringAnOutageAndRetriesCountEveryBatchOnce()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, "outage");
        using var client = new NodeClient(server);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var project = TestProject.Of(0);
        var ingestKey = ProjectKeys.Headers(project.IngestKey);
        var failures = new ConcurrentQueue<RpcException>();
        var okCalls = new int[Callers];
        var failedCalls = new int[Callers];
        var duplicates = 0;
        var completions = 0;
        using var stopNewBatches = new CancellationTokenSource();

        async Task<bool> TrySendAsync(int caller, LogCustomMetricRequest request, bool retry)
        {
            try
            {
                var reply = await client.Ingest.LogCustomMetricAsync(request, ingestKey, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: timeout.Token);
                Assert.True(reply.Success);
                if (reply.Duplicate)
                {
                    Assert.Equal(0, reply.Accepted);
                    Interlocked.Increment(ref duplicates);
                }
                else if (!retry)
                {
                    Assert.Equal(request.Metrics.Count, reply.Accepted);
                }
                else
                {
                    // A retry applies what an attempt that failed half-way did not: the rest of the batch.
                    Assert.InRange(reply.Accepted, 0, request.Metrics.Count);
                    if (reply.Accepted < request.Metrics.Count)
                        Interlocked.Increment(ref completions);
                }
                Interlocked.Increment(ref okCalls[caller]);
                return true;
            }
            catch (RpcException e) when (!timeout.IsCancellationRequested)
            {
                failures.Enqueue(e);
                Interlocked.Increment(ref failedCalls[caller]);
                return false;
            }
        }

        // Each caller sends new batches until told to stop, and keeps the ones that failed.
        async Task<(List<LogCustomMetricRequest> Sent, List<LogCustomMetricRequest> Failed)> SendBatchesAsync(int caller)
        {
            await Task.Yield();
            var sent = new List<LogCustomMetricRequest>();
            var failed = new List<LogCustomMetricRequest>();
            while (!stopNewBatches.IsCancellationRequested)
            {
                var request = Batch(caller, sent.Count);
                sent.Add(request);
                if (!await TrySendAsync(caller, request, retry: false))
                    failed.Add(request);
                await Task.Delay(20, timeout.Token);
            }
            return (sent, failed);
        }

        var callers = Enumerable.Range(0, Callers).Select(SendBatchesAsync).ToArray();
        try
        {
            await WaitUntilAsync(() => Enumerable.Range(0, Callers).All(c => Volatile.Read(ref okCalls[c]) >= 3),
                TimeSpan.FromSeconds(30), "every caller had 3 calls answered OK", timeout.Token);

            await redis.StopAsync();
            var outageStarted = DateTime.UtcNow;
            await WaitForHealthAsync(client, ServingStatus.NotServing, TimeSpan.FromSeconds(10), timeout.Token);
            output.WriteLine($"NOT_SERVING {(DateTime.UtcNow - outageStarted).TotalSeconds:F1} s after Redis was killed");
            await AssertJsonCallUnavailableAsync(server, project);
            var failedBeforeOutage = Enumerable.Range(0, Callers).Select(c => Volatile.Read(ref failedCalls[c])).ToArray();
            await WaitUntilAsync(() => Enumerable.Range(0, Callers).All(c => Volatile.Read(ref failedCalls[c]) > failedBeforeOutage[c]),
                CallTimeout + TimeSpan.FromSeconds(5), "every caller had a call fail during the outage", timeout.Token);
            // Redis stays away a while longer, the callers calling on, before it comes back.
            await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (outageStarted + Outage - DateTime.UtcNow).Ticks)), timeout.Token);

            await redis.StartAgainAsync();
            var recoveryStarted = DateTime.UtcNow;
            await WaitForHealthAsync(client, ServingStatus.Serving, TimeSpan.FromSeconds(60), timeout.Token);
            output.WriteLine($"SERVING {(DateTime.UtcNow - recoveryStarted).TotalSeconds:F1} s after Redis was started again");
        }
        finally
        {
            await stopNewBatches.CancelAsync();
            await Task.WhenAny(Task.WhenAll(callers)); // callers stop before the server and Redis go away, even when a step above failed
        }
        var batches = await Task.WhenAll(callers);

        // Every failed call again, with its own idempotency key, until it is answered OK.
        await Task.WhenAll(batches.Select(async (b, caller) =>
        {
            foreach (var request in b.Failed)
                while (!await TrySendAsync(caller, request, retry: true))
                    await Task.Delay(200, timeout.Token);
        }));

        var codes = failures.GroupBy(f => f.StatusCode).Select(g => $"{g.Key} x{g.Count()} (e.g. \"{g.First().Status.Detail}\")").ToList();
        output.WriteLine($"{batches.Sum(b => b.Sent.Count)} batches, {batches.Sum(b => b.Failed.Count)} failed and retried ({duplicates} of them "
            + $"answered as duplicates: applied before; {completions} applied in part before); failures: {string.Join(", ", codes)}");
        Assert.NotEmpty(failures);
        Assert.True(failures.All(f => f.StatusCode == StatusCode.Unavailable), $"calls failed otherwise than UNAVAILABLE: {string.Join(", ", codes)}");
        // In the product's words, with a request ID under which the server logged the store's own diagnosis.
        var requestIds = failures.Select(ClientErrors.AssertProductSentence).ToList();
        Assert.Contains("StorageUnavailableException", ClientErrors.LoggedCause(server.Output, requestIds[0]));

        var sent = batches.SelectMany(b => b.Sent).ToList();
        foreach (var metric in Metrics)
        {
            var day = await client.Metrics.GetMetricDayAsync(
                new GetMetricDayRequest { MetricName = metric, Date = Day }, ProjectKeys.Headers(project.ServerSecret), deadline: DateTime.UtcNow + CallTimeout);
            var records = sent.SelectMany(r => r.Metrics).Where(m => m.MetricName == metric).ToList();
            Assert.Equal(records.Select(r => r.UserId).Distinct().Count(), day.Overall.UnitCount);
            Assert.Equal(records.Count, day.Overall.RowCount);
            Assert.Equal(records.Sum(r => r.MetricValue), day.Overall.Sum);
        }
    }

    /// <summary>Over JSON, the same sentence in a <c>google.rpc.Status</c> body, and the request ID in a header.</summary>
    private static async Task AssertJsonCallUnavailableAsync(MetricsServerProcess server, ProjectKeys project)
    {
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/log_custom_metric")
        {
            Content = new StringContent(
                $$"""{"metrics": [{"user_id": "json-u", "id_type": "user_id", "metric_name": "{{Metrics[0]}}", "metric_value": 1, "date": "{{Day}}"}]}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("statsig-api-key", project.IngestKey);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues(ClientErrors.RequestIdKey));
        Assert.Contains($"the store (Redis) is unavailable; retry the call (request {requestId})", body);
    }

    /// <summary>Each batch has its own idempotency key and a slice for each of two metric-day grains.</summary>
    private static LogCustomMetricRequest Batch(int caller, int batch) => new()
    {
        IdempotencyKey = $"caller-{caller}-batch-{batch}",
        Metrics =
        {
            Metrics.SelectMany(metric => Enumerable.Range(0, UnitsPerCaller).Select(unit => new MetricRecord
            {
                UserId = $"c{caller}-u{unit}", IdType = "user_id", MetricName = metric, MetricValue = batch % 7 + 1, Date = Day,
            })),
        },
    };

    /// <summary>
    /// A watch's subscription to the project's sealed-day channel outlives an outage of Redis: a seal after Redis is
    /// back is announced to the watch opened before it went away.
    /// </summary>
    [Fact]
    public async Task AReadinessWatchOpenedBeforeAnOutageIsToldOfASealAfterIt()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await TestServers.StartOnRedisAsync(redis.ConnectionString, "outage-watch");
        using var client = new NodeClient(server);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var project = TestProject.Of(1);
        var secret = ProjectKeys.Headers(project.ServerSecret);
        using var watch = client.Readiness.WatchReadiness(new WatchReadinessRequest(), secret, cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        await redis.StopAsync();
        await WaitForHealthAsync(client, ServingStatus.NotServing, TimeSpan.FromSeconds(10), timeout.Token);
        await redis.StartAgainAsync();
        await WaitForHealthAsync(client, ServingStatus.Serving, TimeSpan.FromSeconds(60), timeout.Token);

        var record = new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "watched", MetricValue = 1, Date = Day };
        await client.Ingest.LogCustomMetricAsync(new LogCustomMetricRequest { Metrics = { record } }, ProjectKeys.Headers(project.IngestKey),
            deadline: DateTime.UtcNow + CallTimeout, cancellationToken: timeout.Token);
        var sealing = await client.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, secret,
            deadline: DateTime.UtcNow + CallTimeout, cancellationToken: timeout.Token);
        Assert.Equal([Day], sealing.FinalizedDates);

        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token), "the watch ended without an event");
        Assert.Equal((Day, sealing.Watermark), (watch.ResponseStream.Current.Date, watch.ResponseStream.Current.Watermark));
    }

    private static async Task WaitForHealthAsync(NodeClient client, ServingStatus expected, TimeSpan within, CancellationToken cancellationToken)
    {
        var last = "no answer";
        await WaitUntilAsync(async () =>
        {
            try
            {
                var reply = await client.Health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
                last = reply.Status.ToString();
                return reply.Status == expected;
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                last = $"{e.StatusCode}: {e.Status.Detail}";
                return false;
            }
        }, within, () => $"health reported {expected} (last answer: {last})", cancellationToken);
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan within, string what, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => Task.FromResult(condition()), within, () => what, cancellationToken);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within, Func<string> what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {within.TotalSeconds:F0} s: {what()}");
            await Task.Delay(100, cancellationToken);
        }
    }
}
