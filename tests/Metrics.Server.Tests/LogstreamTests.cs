using System.Net;
using System.Text.Json;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.Infrastructure.Ingesting;

namespace Metrics.Server.Tests;

/// <summary>The Logstream: filters, entry contents, backlog replay, resuming from a cursor, JSON. (A stalled subscriber: <see cref="StalledSubscriberTests"/>.)</summary>
public sealed class LogstreamTests
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(15);
    private const string Date = "2026-06-01";

    // ---- filters ----

    [Fact]
    public async Task MetricNamesFilterKeepsOnlyThoseMetrics()
    {
        var (server, project, headers) = await StartAsync();
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var call = await SubscribeAsync(server, headers, new SubscribeRequest { MetricNames = { "m_a", "m_c" } }, timeout.Token);

        await IngestAsync(server, project, Record("u1", "m_a", 1), Record("u2", "m_b", 2), Record("u3", "m_a", 3), Record("u4", "m_c", 4));
        var firstThree = await call.TakeAsync(3, timeout.Token);
        Assert.Equal(new[] { "u1", "u3", "u4" }, firstThree.Select(e => e.UserId).Order(StringComparer.Ordinal));
        Assert.All(firstThree, e => Assert.Contains(e.MetricName, new[] { "m_a", "m_c" }));

        await IngestAsync(server, project, Record("u5", "m_b", 5));
        await IngestAsync(server, project, Record("u6", "m_a", 6));
        var next = await NextAsync(call, timeout.Token);
        Assert.Equal("u6", next.UserId);
        Assert.Equal("m_a", next.MetricName);
    }

    [Fact]
    public async Task IdTypesFilterKeepsOnlyThoseIdTypes()
    {
        var (server, project, headers) = await StartAsync();
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var call = await SubscribeAsync(server, headers, new SubscribeRequest { IdTypes = { "stable_id" } }, timeout.Token);

        await IngestAsync(server, project,
            Record("x1", "idt", 1, idType: "user_id"), Record("x2", "idt", 2, idType: "stable_id"),
            Record("x3", "idt", 3, idType: "user_id"), Record("x4", "idt", 4, idType: "stable_id"));
        await IngestAsync(server, project, Record("x5", "idt", 5, idType: "user_id"));
        await IngestAsync(server, project, Record("x6", "idt_other", 6, idType: "stable_id"));

        var entries = await call.TakeAsync(3, timeout.Token);
        Assert.Equal(new[] { "x2", "x4", "x6" }, entries.Select(e => e.UserId));
        Assert.All(entries, e => Assert.Equal("stable_id", e.IdType));
    }

    [Fact]
    public async Task UserIdFilterKeepsOnlyThatUnit()
    {
        var (server, project, headers) = await StartAsync();
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var call = await SubscribeAsync(server, headers, new SubscribeRequest { UserId = "target" }, timeout.Token);

        await IngestAsync(server, project, Record("other1", "uf", 1), Record("target", "uf", 2), Record("other2", "uf", 3), Record("target", "uf", 4));
        await IngestAsync(server, project, Record("other3", "uf", 5), Record("target-not", "uf", 6));
        await IngestAsync(server, project, Record("target", "uf_b", 7, idType: "stable_id"));

        var entries = await call.TakeAsync(3, timeout.Token);
        Assert.All(entries, e => Assert.Equal("target", e.UserId));
        Assert.Equal(new double[] { 2, 4, 7 }, entries.Select(e => e.MetricValue));
    }

    [Fact]
    public async Task TestRecordsAreHiddenByDefaultAndShownWhenAsked()
    {
        var (server, project, headers) = await StartAsync();
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var hidden = await SubscribeAsync(server, headers, new SubscribeRequest(), timeout.Token);
        using var shown = await SubscribeAsync(server, headers, new SubscribeRequest { IncludeTest = true }, timeout.Token);

        await IngestAsync(server, project, isTest: true, Record("t1", "tm", 1));
        await IngestAsync(server, project, Record("p1", "tm", 2));

        var first = await NextAsync(hidden, timeout.Token);
        Assert.Equal("p1", first.UserId);
        Assert.False(first.IsTest);

        var withTest = await shown.TakeAsync(2, timeout.Token);
        Assert.Equal(new[] { "t1", "p1" }, withTest.Select(e => e.UserId));
        Assert.Equal(new[] { true, false }, withTest.Select(e => e.IsTest));
        Assert.All(withTest, e => Assert.Equal(EntryStatus.Accepted, e.Status));
    }

    [Fact]
    public async Task RejectedRecordsAreShownOnlyWhenAsked()
    {
        var (server, project, headers) = await StartAsync();
        const string sealedDay = "2026-03-20";
        await IngestAsync(server, project, Record("seed", "rj", 1, date: sealedDay));
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(sealedDay) }, headers);

        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var plain = await SubscribeAsync(server, headers, new SubscribeRequest(), timeout.Token);
        using var withRejected = await SubscribeAsync(server, headers, new SubscribeRequest { IncludeRejected = true }, timeout.Token);

        var late = new LogCustomMetricRequest { Metrics = { Record("late", "rj", 9, date: sealedDay) } };
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Ingest.LogCustomMetricAsync(late, headers).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        await IngestAsync(server, project, Record("fresh", "rj", 1, date: Date));

        var rejected = await NextAsync(withRejected, timeout.Token);
        Assert.Equal("late", rejected.UserId);
        Assert.Equal(EntryStatus.Rejected, rejected.Status);
        Assert.Contains(sealedDay, rejected.Reason);
        Assert.Equal("fresh", (await NextAsync(withRejected, timeout.Token)).UserId);

        var first = await NextAsync(plain, timeout.Token);
        Assert.Equal("fresh", first.UserId);
        Assert.Equal(EntryStatus.Accepted, first.Status);
        Assert.Equal("", first.Reason);
    }

    // ---- entry contents ----

    [Fact]
    public async Task EntriesCarryEveryField()
    {
        var (server, project, headers) = await StartAsync();
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var call = await SubscribeAsync(server, headers, new SubscribeRequest(), timeout.Token);

        var before = DateTimeOffset.UtcNow;
        await IngestAsync(server, project, Record("u-val", "f_value", 12.5, idType: "stable_id"));
        await IngestAsync(server, project, new MetricRecord { UserId = "u-ratio", IdType = "user_id", MetricName = "f_ratio", Numerator = 3, Denominator = 15, Date = Date });
        // No date: the Pacific day of ingestion. A value of 0 is still present.
        await IngestAsync(server, project, new MetricRecord { UserId = "u-today", IdType = "user_id", MetricName = "f_today", MetricValue = 0 });
        var after = DateTimeOffset.UtcNow;

        var entries = await call.TakeAsync(3, timeout.Token);
        Assert.All(entries, e =>
        {
            Assert.NotEmpty(e.Cursor);
            Assert.NotNull(e.IngestedAt);
            Assert.InRange(e.IngestedAt.ToDateTimeOffset(), before.AddSeconds(-1), after.AddSeconds(1));
            Assert.False(e.IsTest);
            Assert.Equal(EntryStatus.Accepted, e.Status);
            Assert.Equal("", e.Reason);
            Assert.Equal(0UL, e.DroppedBefore);
        });
        Assert.Equal(3, entries.Select(e => e.Cursor).Distinct().Count());

        var value = entries[0];
        Assert.Equal("f_value", value.MetricName);
        Assert.Equal("u-val", value.UserId);
        Assert.Equal("stable_id", value.IdType);
        Assert.True(value.HasMetricValue);
        Assert.Equal(12.5, value.MetricValue);
        Assert.False(value.HasNumerator);
        Assert.False(value.HasDenominator);
        Assert.Equal(Date, value.Date);

        var ratio = entries[1];
        Assert.Equal("f_ratio", ratio.MetricName);
        Assert.Equal("u-ratio", ratio.UserId);
        Assert.Equal("user_id", ratio.IdType);
        Assert.False(ratio.HasMetricValue);
        Assert.True(ratio.HasNumerator);
        Assert.True(ratio.HasDenominator);
        Assert.Equal(3, ratio.Numerator);
        Assert.Equal(15, ratio.Denominator);
        Assert.Equal(Date, ratio.Date);

        var today = entries[2];
        Assert.Equal("f_today", today.MetricName);
        Assert.True(today.HasMetricValue);
        Assert.Equal(0, today.MetricValue);
        Assert.False(today.HasNumerator);
        Assert.Contains(today.Date, new[] { PacificTime.DateOf(before), PacificTime.DateOf(after) });
    }

    // ---- backlog ----

    [Fact]
    public async Task BacklogReplaysTheMostRecentMatchingEntriesInOrderThenContinuesLive()
    {
        var (server, project, headers) = await StartAsync();
        await IngestAsync(server, project, Enumerable.Range(0, 10).Select(i => Record($"bk{i}", "bk", i)).ToArray());
        await IngestAsync(server, project, Enumerable.Range(0, 5).Select(i => Record($"ot{i}", "other", i)).ToArray());

        using var timeout = new CancellationTokenSource(StreamTimeout);

        // Filtered: the last 4 of metric bk, oldest first.
        using var filtered = await SubscribeAsync(server, headers, new SubscribeRequest { Backlog = 4, MetricNames = { "bk" } }, timeout.Token);
        // Unfiltered: the last 3 overall.
        using var all = await SubscribeAsync(server, headers, new SubscribeRequest { Backlog = 3 }, timeout.Token);
        // More than there is: everything that matches.
        using var everything = await SubscribeAsync(server, headers, new SubscribeRequest { Backlog = 1000, MetricNames = { "bk" } }, timeout.Token);
        // No backlog: live only.
        using var liveOnly = await SubscribeAsync(server, headers, new SubscribeRequest { Backlog = 0 }, timeout.Token);

        // The backlog is read once the subscription serves: an entry ingested before that read is in it. The backlogs
        // are taken first, so that the live entry is ingested after them.
        Assert.Equal(new[] { "bk6", "bk7", "bk8", "bk9" }, (await filtered.TakeAsync(4, timeout.Token)).Select(e => e.UserId));
        Assert.Equal(new[] { "ot2", "ot3", "ot4" }, (await all.TakeAsync(3, timeout.Token)).Select(e => e.UserId));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"bk{i}"), (await everything.TakeAsync(10, timeout.Token)).Select(e => e.UserId));

        await IngestAsync(server, project, Record("live1", "bk", 100));

        Assert.Equal("live1", (await NextAsync(filtered, timeout.Token)).UserId);
        Assert.Equal("live1", (await NextAsync(all, timeout.Token)).UserId);
        Assert.Equal("live1", (await NextAsync(everything, timeout.Token)).UserId);
        Assert.Equal("live1", (await NextAsync(liveOnly, timeout.Token)).UserId);

        // And the stream keeps going with no repeat.
        await IngestAsync(server, project, Record("live2", "bk", 101));
        Assert.Equal("live2", (await NextAsync(filtered, timeout.Token)).UserId);
        Assert.Equal("live2", (await NextAsync(all, timeout.Token)).UserId);
        Assert.Equal("live2", (await NextAsync(everything, timeout.Token)).UserId);
        Assert.Equal("live2", (await NextAsync(liveOnly, timeout.Token)).UserId);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public async Task BacklogOutsideZeroToThousandIsInvalidArgument(int backlog)
    {
        var (server, _, headers) = await StartAsync();
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var call = server.Logstream.Subscribe(new SubscribeRequest { Backlog = backlog }, headers, cancellationToken: timeout.Token);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    // ---- cursors ----

    [Fact]
    public async Task AfterCursorResumesJustAfterTheEntryIncludingMidBatch()
    {
        var (server, project, headers) = await StartAsync();
        string[] batchA = ["a0", "a1", "a2", "a3", "a4"], batchB = ["b0", "b1", "b2"], batchC = ["c0", "c1", "c2", "c3"];
        foreach (var batch in new[] { batchA, batchB, batchC })
            await IngestAsync(server, project, batch.Select((u, i) => Record(u, "cur", i)).ToArray());
        var all = batchA.Concat(batchB).Concat(batchC).ToArray();

        using var timeout = new CancellationTokenSource(StreamTimeout);
        List<LogstreamEntry> seen;
        using (var first = await SubscribeAsync(server, headers, new SubscribeRequest { Backlog = all.Length }, timeout.Token))
            seen = await first.TakeAsync(all.Length, timeout.Token);
        Assert.Equal(all, seen.Select(e => e.UserId));
        var cursorOf = seen.ToDictionary(e => e.UserId, e => e.Cursor);

        // Mid-batch (a2), end of a batch (b2), and the very last entry (c3).
        using var fromA2 = await SubscribeAsync(server, headers, new SubscribeRequest { AfterCursor = cursorOf["a2"] }, timeout.Token);
        using var fromB2 = await SubscribeAsync(server, headers, new SubscribeRequest { AfterCursor = cursorOf["b2"] }, timeout.Token);
        using var fromC3 = await SubscribeAsync(server, headers, new SubscribeRequest { AfterCursor = cursorOf["c3"] }, timeout.Token);
        // With a backlog as well: the cursor decides where the replay starts.
        using var fromA0WithBacklog = await SubscribeAsync(server, headers, new SubscribeRequest { AfterCursor = cursorOf["a0"], Backlog = 2 }, timeout.Token);

        await IngestAsync(server, project, Record("d0", "cur", 0), Record("d1", "cur", 1));

        var afterA2 = await fromA2.TakeAsync(9, timeout.Token);
        Assert.Equal(new[] { "a3", "a4", "b0", "b1", "b2", "c0", "c1", "c2", "c3" }, afterA2.Select(e => e.UserId));
        Assert.Equal(all.Skip(3).Select(u => cursorOf[u]), afterA2.Select(e => e.Cursor));
        Assert.Equal(new[] { "d0", "d1" }, (await fromA2.TakeAsync(2, timeout.Token)).Select(e => e.UserId));

        Assert.Equal(new[] { "c0", "c1", "c2", "c3", "d0", "d1" }, (await fromB2.TakeAsync(6, timeout.Token)).Select(e => e.UserId));
        var liveEntries = await fromC3.TakeAsync(2, timeout.Token);
        Assert.Equal(new[] { "d0", "d1" }, liveEntries.Select(e => e.UserId));
        var afterA0 = await fromA0WithBacklog.TakeAsync(13, timeout.Token);
        Assert.Equal(all.Skip(1).Append("d0").Append("d1"), afterA0.Select(e => e.UserId));

        // The cursor of an entry delivered live (mid-batch: d0 of d0, d1) works as well.
        using var fromD0 = await SubscribeAsync(server, headers, new SubscribeRequest { AfterCursor = liveEntries[0].Cursor }, timeout.Token);
        await IngestAsync(server, project, Record("e0", "cur", 0));
        Assert.Equal(new[] { "d1", "e0" }, (await fromD0.TakeAsync(2, timeout.Token)).Select(e => e.UserId));
        Assert.Equal("e0", (await NextAsync(fromA2, timeout.Token)).UserId);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("12345")]
    [InlineData("1-2")]
    [InlineData("1-2.x")]
    [InlineData("abc-def.1")]
    [InlineData("-1-2.3")]
    public async Task MalformedCursorIsInvalidArgument(string cursor)
    {
        var (server, _, headers) = await StartAsync();
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var call = server.Logstream.Subscribe(new SubscribeRequest { AfterCursor = cursor }, headers, cancellationToken: timeout.Token);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    // ---- JSON ----

    [Fact]
    public async Task JsonLogstreamStreamsBacklogThenLiveEntries()
    {
        var (server, project, headers) = await StartAsync();
        await IngestAsync(server, project, Enumerable.Range(0, 5).Select(i => Record($"j{i}", "json_ls", i)).ToArray());

        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/logstream?backlog=3&metric_names=json_ls");
        request.Headers.Add("statsig-api-key", project.ServerSecret);
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var lines = new StreamReader(body);

        var entries = new List<JsonElement>();
        Task ReadEntriesAsync(int count) => LogstreamReading.ReadJsonEntriesAsync(lines, entries, count, timeout.Token);

        await ReadEntriesAsync(3);
        await IngestAsync(server, project, Record("jlive", "json_ls", 42));
        await ReadEntriesAsync(4);

        Assert.Equal(new[] { "j2", "j3", "j4", "jlive" }, entries.Select(e => e.GetProperty("userId").GetString()));
        Assert.All(entries, e =>
        {
            Assert.Equal("json_ls", e.GetProperty("metricName").GetString());
            Assert.Equal("ACCEPTED", e.GetProperty("status").GetString());
            Assert.False(string.IsNullOrEmpty(e.GetProperty("cursor").GetString()));
            Assert.Equal(Date, e.GetProperty("date").GetString());
        });
        Assert.Equal(42, entries[3].GetProperty("metricValue").GetDouble());
        await timeout.CancelAsync();
    }

    // ---- helpers ----

    private static async Task<(SharedServer Server, ProjectKeys Project, Metadata Headers)> StartAsync()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        return (server, project, ProjectKeys.Headers(project.ServerSecret));
    }

    private static Task<AsyncServerStreamingCall<LogstreamEntry>> SubscribeAsync(
        SharedServer server, Metadata headers, SubscribeRequest request, CancellationToken cancellationToken) =>
        server.Logstream.SubscribeLiveAsync(request, headers, cancellationToken);

    private static MetricRecord Record(string user, string metric, double value, string idType = "user_id", string date = Date) =>
        Ingesting.Record(user, metric, value, date, idType);
}
