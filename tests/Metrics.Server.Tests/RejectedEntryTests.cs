using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.Infrastructure.Ingesting;

namespace Metrics.Server.Tests;

/// <summary>
/// A refused request is one bounded Logstream entry, however many records it had: its first 20 records, each with
/// its own metric, date and reason, and the count of all it refused.
/// </summary>
public sealed class RejectedEntryTests
{
    private const string Day = "2026-05-10";

    [Fact]
    public async Task ARefusedTenThousandRecordRequestShowsItsFirstTwentyRecordsAndTheCount()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var secret = ProjectKeys.Headers(project.ServerSecret);
        var refused = new LogCustomMetricRequest();
        for (var i = 0; i < 10_000; i++)
            refused.Metrics.Add(Record($"u{i}", i % 2 == 0 ? "even" : "odd", i, Day, idType: i == 9_999 ? "userID" : "user_id"));
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(refused, secret).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        await IngestAsync(server, project, Record("after", "even", 1, Day));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var all = server.Logstream.Subscribe(new SubscribeRequest { IncludeRejected = true, Backlog = 1000 }, secret, cancellationToken: timeout.Token);
        var entries = await UntilAcceptedAsync(all, timeout.Token);

        Assert.Equal(20, entries.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"u{i}"), entries.Select(e => e.UserId));
        Assert.All(entries, e =>
        {
            Assert.Equal(EntryStatus.Rejected, e.Status);
            Assert.Equal(10_000u, e.RejectedCount);
            Assert.Equal("not applied: other records in the request are invalid", e.Reason);
            Assert.Equal(Day, e.Date);
        });
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? "even" : "odd"), entries.Select(e => e.MetricName));

        // Each sampled record keeps its own metric, for the metric filter as for the entry.
        using var odd = server.Logstream.Subscribe(
            new SubscribeRequest { IncludeRejected = true, Backlog = 1000, MetricNames = { "odd" } }, secret, cancellationToken: timeout.Token);
        Assert.True(await odd.ResponseStream.MoveNext(timeout.Token));
        var oddEntries = new List<LogstreamEntry> { odd.ResponseStream.Current };
        while (oddEntries.Count < 10 && await odd.ResponseStream.MoveNext(timeout.Token))
            oddEntries.Add(odd.ResponseStream.Current);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"u{2 * i + 1}"), oddEntries.Select(e => e.UserId));
    }

    [Fact]
    public async Task TheRecordToBlameCarriesItsOwnReason()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var secret = ProjectKeys.Headers(project.ServerSecret);
        var refused = new LogCustomMetricRequest { Metrics = { Record("good", "m", 1, Day), Record("bad", "m", 2, Day, idType: "userID") } };
        await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(refused, secret).ResponseAsync);
        await IngestAsync(server, project, Record("after", "m", 1, Day));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var all = server.Logstream.Subscribe(new SubscribeRequest { IncludeRejected = true, Backlog = 1000 }, secret, cancellationToken: timeout.Token);
        var entries = await UntilAcceptedAsync(all, timeout.Token);

        Assert.Equal(["good", "bad"], entries.Select(e => e.UserId));
        Assert.All(entries, e => Assert.Equal(2u, e.RejectedCount));
        Assert.StartsWith("metrics[1].id_type: ", entries[1].Reason);
    }

    private static async Task<List<LogstreamEntry>> UntilAcceptedAsync(AsyncServerStreamingCall<LogstreamEntry> call, CancellationToken cancellationToken)
    {
        var rejected = new List<LogstreamEntry>();
        while (true)
        {
            var entry = await NextAsync(call, cancellationToken);
            if (entry.Status == EntryStatus.Accepted)
                return rejected;
            rejected.Add(entry);
        }
    }
}
