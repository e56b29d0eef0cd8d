using Google.Rpc;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>
/// SPEC §3 "Idempotency": a request whose idempotency_key was already applied in the same project is applied
/// nothing more and answers success, duplicate; a client retrying with the same key never double-counts.
/// </summary>
public sealed class IdempotencyTests
{
    private const string Day = "2026-05-10";

    private static LogCustomMetricRequest Request(string key, string metric = "idem_metric", double value = 4) => new()
    {
        IdempotencyKey = key,
        Metrics =
        {
            new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = metric, MetricValue = value, Date = Day },
            new MetricRecord { UserId = "u2", IdType = "user_id", MetricName = metric, MetricValue = value, Date = Day },
        },
    };

    [Fact]
    public async Task SameKeyTwiceIsAppliedOnce()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var ingest = ProjectKeys.Headers(project.IngestKey);

        var first = await server.Ingest.LogCustomMetricAsync(Request("batch-1"), ingest);
        var second = await server.Ingest.LogCustomMetricAsync(Request("batch-1"), ingest);

        Assert.True(first.Success);
        Assert.Equal(2, first.Accepted);
        Assert.False(first.Duplicate);
        Assert.True(second.Success);
        Assert.True(second.Duplicate);
        Assert.Equal(0, second.Accepted);
        var day = await GetDayAsync(server, project, "idem_metric", Day);
        Assert.Equal(2, day.Overall.UnitCount);
        Assert.Equal(2, day.Overall.RowCount);
        Assert.Equal(8.0, day.Overall.Sum);
    }

    [Fact]
    public async Task SameKeyWithADifferentBodyIsRefusedAndAppliesNothing()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var ingest = ProjectKeys.Headers(project.IngestKey);

        await server.Ingest.LogCustomMetricAsync(Request("batch-1", value: 4), ingest);
        var reused = await Assert.ThrowsAsync<RpcException>(() =>
            server.Ingest.LogCustomMetricAsync(Request("batch-1", value: 100), ingest).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, reused.StatusCode);
        Assert.Equal("idempotency_key", Assert.Single(reused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Contains("different request", reused.Status.Detail);
        var day = await GetDayAsync(server, project, "idem_metric", Day);
        Assert.Equal(8.0, day.Overall.Sum);
        Assert.Equal(2, day.Overall.RowCount);
        // The key still names the first request: its retry is a duplicate.
        Assert.True((await server.Ingest.LogCustomMetricAsync(Request("batch-1", value: 4), ingest)).Duplicate);
    }

    /// <summary>Concurrent requests under one key and with different bodies: one is applied, every other one is refused.</summary>
    [Fact]
    public async Task TwentyConcurrentBodiesUnderOneKeyApplyExactlyOne()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var ingest = ProjectKeys.Headers(project.IngestKey);

        var calls = Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                return (Metric: $"race_{i}", Reply: await server.Ingest.LogCustomMetricAsync(Request("raced", metric: $"race_{i}"), ingest), Error: (RpcException?)null);
            }
            catch (RpcException e)
            {
                return (Metric: $"race_{i}", Reply: (LogCustomMetricResponse?)null, Error: e);
            }
        });
        var outcomes = await Task.WhenAll(calls);

        var applied = Assert.Single(outcomes, o => o.Reply is not null);
        Assert.Equal(2, applied.Reply!.Accepted);
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.Equal(StatusCode.InvalidArgument, o.Error!.StatusCode));
        foreach (var (metric, reply, _) in outcomes)
        {
            if (reply is not null)
                Assert.Equal(2, (await GetDayAsync(server, project, metric, Day)).Overall.RowCount);
            else
                Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => GetDayAsync(server, project, metric, Day))).StatusCode);
        }
    }

    [Fact]
    public async Task DifferentKeysCountTwice()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var ingest = ProjectKeys.Headers(project.IngestKey);

        var first = await server.Ingest.LogCustomMetricAsync(Request("batch-1"), ingest);
        var second = await server.Ingest.LogCustomMetricAsync(Request("batch-2"), ingest);

        Assert.False(first.Duplicate);
        Assert.False(second.Duplicate);
        Assert.Equal(2, second.Accepted);
        var day = await GetDayAsync(server, project, "idem_metric", Day);
        Assert.Equal(2, day.Overall.UnitCount);
        Assert.Equal(4, day.Overall.RowCount);
        Assert.Equal(16.0, day.Overall.Sum);
    }

    [Fact]
    public async Task NoKeyCountsEveryTime()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var ingest = ProjectKeys.Headers(project.IngestKey);

        await server.Ingest.LogCustomMetricAsync(Request(""), ingest);
        var again = await server.Ingest.LogCustomMetricAsync(Request(""), ingest);

        Assert.False(again.Duplicate);
        Assert.Equal(2, again.Accepted);
        Assert.Equal(4, (await GetDayAsync(server, project, "idem_metric", Day)).Overall.RowCount);
    }

    [Fact]
    public async Task KeyIsPerProject()
    {
        var server = await SharedServer.GetAsync();
        var a = server.NewProject();
        var b = server.NewProject();
        var key = "shared-key-" + Guid.NewGuid().ToString("N");

        var inA = await server.Ingest.LogCustomMetricAsync(Request(key), ProjectKeys.Headers(a.IngestKey));
        var inB = await server.Ingest.LogCustomMetricAsync(Request(key), ProjectKeys.Headers(b.IngestKey));

        Assert.False(inA.Duplicate);
        Assert.True(inB.Success);
        Assert.False(inB.Duplicate);
        Assert.Equal(2, inB.Accepted);
        Assert.Equal(2, (await GetDayAsync(server, a, "idem_metric", Day)).Overall.RowCount);
        Assert.Equal(2, (await GetDayAsync(server, b, "idem_metric", Day)).Overall.RowCount);
        // B's key is now applied in B as well.
        var retryInB = await server.Ingest.LogCustomMetricAsync(Request(key), ProjectKeys.Headers(b.ServerSecret));
        Assert.True(retryInB.Duplicate);
        Assert.Equal(2, (await GetDayAsync(server, b, "idem_metric", Day)).Overall.RowCount);
    }

    [Fact]
    public async Task RequestSpanningMetricsAndDaysRetriedCountsOnce()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var ingest = ProjectKeys.Headers(project.IngestKey);
        var request = new LogCustomMetricRequest
        {
            IdempotencyKey = "spanning",
            Metrics =
            {
                new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "clicks", MetricValue = 1, Date = "2026-05-08" },
                new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "clicks", MetricValue = 2, Date = "2026-05-09" },
                new MetricRecord { UserId = "u2", IdType = "stable_id", MetricName = "clicks", MetricValue = 3, Date = "2026-05-09" },
                new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "ctr", Numerator = 1, Denominator = 4, Date = "2026-05-08" },
                new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "ctr", Numerator = 2, Denominator = 5, Date = "2026-05-10" },
            },
        };

        var first = await server.Ingest.LogCustomMetricAsync(request, ingest);
        var retry = await server.Ingest.LogCustomMetricAsync(request, ingest);
        var retryAgain = await server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.ServerSecret));

        Assert.Equal(5, first.Accepted);
        Assert.False(first.Duplicate);
        foreach (var r in new[] { retry, retryAgain })
        {
            Assert.True(r.Success);
            Assert.True(r.Duplicate);
            Assert.Equal(0, r.Accepted);
        }
        Assert.Equal(1.0, (await GetDayAsync(server, project, "clicks", "2026-05-08")).Overall.Sum);
        var clicks9 = await GetDayAsync(server, project, "clicks", "2026-05-09");
        Assert.Equal(2, clicks9.Overall.RowCount);
        Assert.Equal(5.0, clicks9.Overall.Sum);
        var ctr8 = await GetDayAsync(server, project, "ctr", "2026-05-08");
        Assert.Equal(1, ctr8.Overall.RowCount);
        Assert.Equal(1.0, ctr8.Overall.NumeratorSum);
        Assert.Equal(4.0, ctr8.Overall.DenominatorSum);
        var ctr10 = await GetDayAsync(server, project, "ctr", "2026-05-10");
        Assert.Equal(1, ctr10.Overall.RowCount);
        Assert.Equal(2.0, ctr10.Overall.NumeratorSum);
    }

    [Fact]
    public async Task ConcurrentRetriesWithTheSameKeyCountOnce()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var ingest = ProjectKeys.Headers(project.IngestKey);
        var request = new LogCustomMetricRequest
        {
            IdempotencyKey = "concurrent",
            Metrics =
            {
                new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "m1", MetricValue = 1, Date = "2026-05-09" },
                new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "m2", MetricValue = 1, Date = "2026-05-10" },
                new MetricRecord { UserId = "u2", IdType = "user_id", MetricName = "m2", MetricValue = 1, Date = "2026-05-10" },
            },
        };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => server.Ingest.LogCustomMetricAsync(request, ingest).ResponseAsync));

        Assert.All(responses, r => Assert.True(r.Success));
        Assert.Equal(3, responses.Sum(r => r.Accepted));
        Assert.Contains(responses, r => !r.Duplicate);
        Assert.Equal(1, (await GetDayAsync(server, project, "m1", "2026-05-09")).Overall.RowCount);
        Assert.Equal(2, (await GetDayAsync(server, project, "m2", "2026-05-10")).Overall.RowCount);
    }

    [Fact]
    public async Task KeyOfARejectedRequestIsNotConsumed()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var ingest = ProjectKeys.Headers(project.IngestKey);
        var invalid = Request("fix-and-retry");
        invalid.Metrics[1].IdType = "userID";

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(invalid, ingest).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var fixedRequest = await server.Ingest.LogCustomMetricAsync(Request("fix-and-retry"), ingest);

        Assert.False(fixedRequest.Duplicate);
        Assert.Equal(2, fixedRequest.Accepted);
        var day = await GetDayAsync(server, project, "idem_metric", Day);
        Assert.Equal(2, day.Overall.RowCount);
        Assert.Equal(8.0, day.Overall.Sum);
    }

    [Fact]
    public async Task RetryAfterTheDayIsSealedIsADuplicateNotLateData()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var ingest = ProjectKeys.Headers(project.IngestKey);
        await server.Ingest.LogCustomMetricAsync(Request("before-seal"), ingest);
        var sealing = await server.Readiness.MarkDataReadyAsync(
            new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, ProjectKeys.Headers(project.ServerSecret));
        Assert.Contains(Day, sealing.FinalizedDates);

        // The first attempt was applied (its answer may have been lost): the retry is answered as a duplicate.
        var retry = await server.Ingest.LogCustomMetricAsync(Request("before-seal"), ingest);

        Assert.True(retry.Success);
        Assert.True(retry.Duplicate);
        Assert.Equal(0, retry.Accepted);
        var day = await GetDayAsync(server, project, "idem_metric", Day);
        Assert.Equal(DayStatus.Finalized, day.Status);
        Assert.Equal(2, day.Overall.RowCount);
    }

    private static async Task<MetricDay> GetDayAsync(SharedServer server, ProjectKeys project, string metric, string date) =>
        await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = date }, ProjectKeys.Headers(project.ServerSecret));
}
