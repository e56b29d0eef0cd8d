using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>
/// Writers racing a seal: every call either counts in full in the final aggregate (it answered OK) or is refused
/// with FAILED_PRECONDITION and counts not at all.
/// </summary>
public sealed class SealRaceTests
{

    private const int Rounds = 10;
    private const int Writers = 8;
    private const int BatchSize = 5;
    private const string Date = "2026-02-17";
    private const string Metric = "race_metric";

    [Fact]
    public async Task ConcurrentWritesRacingASealAreCountedExactlyIfAnsweredOk()
    {
        var server = await SharedServer.GetAsync();
        for (var round = 0; round < Rounds; round++)
            await RunRoundAsync(server, round);
    }

    private static async Task RunRoundAsync(SharedServer server, int round)
    {
        var project = server.NewProject();
        var secret = ProjectKeys.Headers(project.ServerSecret);
        var ingestKey = ProjectKeys.Headers(project.IngestKey);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var accepted = new ConcurrentBag<string>();
        var refusals = new ConcurrentBag<(StatusCode Code, string Detail)>();
        var violations = new ConcurrentBag<string>();
        var okCalls = 0;
        var sealReturned = 0;
        var enoughWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task WriteAsync(int writer)
        {
            await Task.Yield();
            for (var batch = 0; ; batch++)
            {
                var startedAfterSeal = Volatile.Read(ref sealReturned) == 1;
                var units = Enumerable.Range(0, BatchSize).Select(i => $"r{round}-w{writer}-b{batch}-u{i}").ToArray();
                var request = new LogCustomMetricRequest
                {
                    Metrics = { units.Select(u => new MetricRecord { UserId = u, IdType = "user_id", MetricName = Metric, MetricValue = 1, Date = Date }) },
                };
                try
                {
                    var reply = await server.Ingest.LogCustomMetricAsync(request, ingestKey, cancellationToken: timeout.Token);
                    if (!reply.Success || reply.Accepted != BatchSize)
                        violations.Add($"round {round}: OK reply with success={reply.Success}, accepted={reply.Accepted}");
                    if (startedAfterSeal)
                        violations.Add($"round {round}: a call started after MarkDataReady returned was accepted");
                    foreach (var unit in units)
                        accepted.Add(unit);
                    if (Interlocked.Increment(ref okCalls) >= Writers * 3)
                        enoughWritten.TrySetResult();
                }
                catch (RpcException e) when (!timeout.IsCancellationRequested)
                {
                    refusals.Add((e.StatusCode, e.Status.Detail));
                    if (startedAfterSeal)
                        return;
                }
            }
        }

        var writers = Enumerable.Range(0, Writers).Select(WriteAsync).ToArray();
        await enoughWritten.Task.WaitAsync(timeout.Token);
        var sealing = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Date) }, secret, cancellationToken: timeout.Token);
        Volatile.Write(ref sealReturned, 1);
        await Task.WhenAll(writers);

        Assert.True(sealing.Success);
        Assert.Equal(new[] { Date }, sealing.FinalizedDates);
        Assert.Empty(violations);
        Assert.All(refusals, r => Assert.True(r.Code == StatusCode.FailedPrecondition, $"round {round}: refused with {r.Code}: {r.Detail}"));
        Assert.All(refusals, r => Assert.Contains(Date, r.Detail));
        Assert.True(refusals.Count >= Writers, $"round {round}: every writer ends with a refused call");

        var expected = accepted.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(accepted.Count, expected.Count);
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = Metric, Date = Date }, secret);
        Assert.Equal(DayStatus.Finalized, day.Status);
        Assert.True(expected.Count == day.Overall.RowCount, $"round {round}: {expected.Count} records answered OK, row_count {day.Overall.RowCount}");
        Assert.Equal(expected.Count, day.Overall.Sum);
        Assert.Equal(expected.Count, day.Overall.UnitCount);

        var exported = new List<UnitValue>();
        using var export = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = Metric, Date = Date }, secret, cancellationToken: timeout.Token);
        while (await export.ResponseStream.MoveNext(timeout.Token))
            exported.Add(export.ResponseStream.Current);
        Assert.Equal(exported.Count, exported.Select(u => u.UserId).Distinct().Count());
        Assert.True(expected.SetEquals(exported.Select(u => u.UserId)),
            $"round {round}: export differs from the accepted units: missing {string.Join(",", expected.Except(exported.Select(u => u.UserId)).Take(5))}, "
            + $"extra {string.Join(",", exported.Select(u => u.UserId).Except(expected).Take(5))}");
        Assert.All(exported, u =>
        {
            Assert.Equal(1, u.Value);
            Assert.Equal(1, u.RowCount);
            Assert.Equal("user_id", u.IdType);
        });
    }
}
