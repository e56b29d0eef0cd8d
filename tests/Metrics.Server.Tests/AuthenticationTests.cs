using System.Globalization;
using System.Net;
using System.Text;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>
/// SPEC §2 "Authentication": missing or unknown key is UNAUTHENTICATED (401); an ingest key may only call
/// IngestService (else PERMISSION_DENIED, 403); a server secret may do everything; no key ever reads or
/// changes another project's data.
/// </summary>
public sealed class AuthenticationTests
{
    private const string Day = "2026-05-10";
    private const string Metric = "auth_metric";

    /// <summary>A day the seeding does not seal, for writes after it.</summary>
    private const string OpenDay = "2026-05-12";

    public enum KeyUsed
    {
        None,
        Unknown,
        Ingest,
        ServerSecret,
    }

    public static readonly string[] Rpcs =
    [
        "LogCustomMetric", "MarkDataReady", "GetReadiness", "WatchReadiness", "Subscribe", "ListMetrics", "GetMetricDay", "ExportMetricDay",
    ];

    /// <summary>A day after every other of these tests, which the WatchReadiness case seals to see its event.</summary>
    private const string WatchedDay = "2026-05-14";

    public static TheoryData<string, KeyUsed> Matrix()
    {
        var data = new TheoryData<string, KeyUsed>();
        foreach (var rpc in Rpcs)
            foreach (var key in Enum.GetValues<KeyUsed>())
                data.Add(rpc, key);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task GrpcKeyMatrix(string rpc, KeyUsed key)
    {
        var server = await SharedServer.GetAsync();
        Metadata? headers;
        switch (key)
        {
            case KeyUsed.None:
                headers = null;
                break;
            case KeyUsed.Unknown:
                headers = ProjectKeys.Headers("no-such-key-" + Guid.NewGuid().ToString("N"));
                break;
            case KeyUsed.Ingest:
                headers = ProjectKeys.Headers(server.NewProject().IngestKey);
                break;
            default:
                var project = server.NewProject();
                await SeedFinalizedDayAsync(server, project);
                headers = ProjectKeys.Headers(project.ServerSecret);
                break;
        }

        var actual = await CallAsync(server, rpc, headers);

        var expected = key switch
        {
            KeyUsed.None or KeyUsed.Unknown => StatusCode.Unauthenticated,
            KeyUsed.Ingest => rpc == "LogCustomMetric" ? StatusCode.OK : StatusCode.PermissionDenied,
            // Every call succeeds on the seeded data, the live streams delivering what they should.
            _ => StatusCode.OK,
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task EmptyKeyHeaderIsUnauthenticated()
    {
        var server = await SharedServer.GetAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            server.Readiness.GetReadinessAsync(new GetReadinessRequest(), ProjectKeys.Headers("")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task KeyInDifferentCaseOrWithExtraCharactersIsUnknown()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        foreach (var wrong in new[] { project.ServerSecret.ToUpperInvariant(), "x" + project.ServerSecret, project.ServerSecret + "x" })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() =>
                server.Readiness.GetReadinessAsync(new GetReadinessRequest(), ProjectKeys.Headers(wrong)).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        }
    }

    public static TheoryData<string, string, KeyUsed> JsonMatrix()
    {
        string[][] routes =
        [
            ["POST", "v1/log_custom_metric"],
            ["POST", "v1/mark_data_ready"],
            ["GET", "v1/readiness"],
            ["GET", "v1/metrics"],
            ["GET", $"v1/metrics/{Metric}/days/{Day}"],
            ["GET", $"v1/metrics/{Metric}/days/{Day}/units"],
            ["GET", "v1/logstream?backlog=10"],
            ["GET", "v1/readiness/watch"],
        ];
        var data = new TheoryData<string, string, KeyUsed>();
        foreach (var route in routes)
            foreach (var key in Enum.GetValues<KeyUsed>())
                data.Add(route[0], route[1], key);
        return data;
    }

    [Theory]
    [MemberData(nameof(JsonMatrix))]
    public async Task JsonKeyMatrix(string method, string path, KeyUsed key)
    {
        var server = await SharedServer.GetAsync();
        string? apiKey;
        switch (key)
        {
            case KeyUsed.None:
                apiKey = null;
                break;
            case KeyUsed.Unknown:
                apiKey = "no-such-key-" + Guid.NewGuid().ToString("N");
                break;
            case KeyUsed.Ingest:
                apiKey = server.NewProject().IngestKey;
                break;
            default:
                var project = server.NewProject();
                await SeedFinalizedDayAsync(server, project);
                apiKey = project.ServerSecret;
                break;
        }
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            var body = path.EndsWith("log_custom_metric", StringComparison.Ordinal)
                ? $$"""{"metrics": [{"user_id": "u1", "id_type": "user_id", "metric_name": "{{Metric}}", "metric_value": 1, "date": "{{OpenDay}}"}]}"""
                : $$"""{"timestamp": {{DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60}}, "type": "metrics"}""";
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (apiKey is not null)
            request.Headers.Add("statsig-api-key", apiKey);

        // The live streams stay open: their status comes with the headers, and the Logstream's backlog follows.
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var live = path.StartsWith("v1/logstream", StringComparison.Ordinal) || path == "v1/readiness/watch";
        var text = live && response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync();

        var expected = key switch
        {
            KeyUsed.None or KeyUsed.Unknown => HttpStatusCode.Unauthorized,
            KeyUsed.Ingest => path == "v1/log_custom_metric" ? HttpStatusCode.OK : HttpStatusCode.Forbidden,
            _ => HttpStatusCode.OK,
        };
        Assert.True(expected == response.StatusCode, $"{method} {path} with {key}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        if (expected == HttpStatusCode.OK && path.StartsWith("v1/logstream", StringComparison.Ordinal))
            Assert.Contains("seed-2", await ReadUntilAsync(response, "seed-2"));
        else if (expected == HttpStatusCode.OK && path.EndsWith("/units", StringComparison.Ordinal))
            Assert.True(text.Contains("seed-1") && text.Contains("seed-2"), text);
    }

    /// <summary>What a streamed JSON body delivered until it held <paramref name="wanted"/>, or 30 s passed.</summary>
    private static async Task<string> ReadUntilAsync(HttpResponseMessage response, string wanted)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var body = await response.Content.ReadAsStreamAsync(patience.Token);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            while (!text.ToString().Contains(wanted, StringComparison.Ordinal) && await body.ReadAsync(buffer, patience.Token) is > 0 and var read)
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        catch (OperationCanceledException)
        {
        }
        return text.ToString();
    }

    /// <summary>
    /// The key is checked before the body: a caller without a valid key learns nothing of the body's rules, over JSON as
    /// over gRPC, where the interceptor runs before the handler reads the records.
    /// </summary>
    [Theory]
    [InlineData(KeyUsed.None, "v1/log_custom_metric", HttpStatusCode.Unauthorized)]
    [InlineData(KeyUsed.Unknown, "v1/log_custom_metric", HttpStatusCode.Unauthorized)]
    [InlineData(KeyUsed.Ingest, "v1/mark_data_ready", HttpStatusCode.Forbidden)]
    public async Task AKeyThatMayNotCallIsRefusedBeforeTheBodyIsRead(KeyUsed key, string path, HttpStatusCode expected)
    {
        var server = await SharedServer.GetAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent("""{"metrics": [{"user_id": "u1", "metric_value": "not a number", "metrics": 1""", Encoding.UTF8, "application/json"),
        };
        var apiKey = key switch
        {
            KeyUsed.Unknown => "no-such-key-" + Guid.NewGuid().ToString("N"),
            KeyUsed.Ingest => server.NewProject().IngestKey,
            _ => null,
        };
        if (apiKey is not null)
            request.Headers.Add("statsig-api-key", apiKey);

        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(expected == response.StatusCode, $"{path} with {key}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Contains(key == KeyUsed.Ingest ? "an ingest key may only call IngestService" : "statsig-api-key", text);
        Assert.DoesNotContain("JSON", text);
    }

    [Fact]
    public async Task ProjectsAreIsolated()
    {
        var server = await SharedServer.GetAsync();
        var a = server.NewProject();
        var b = server.NewProject();
        var aSecret = ProjectKeys.Headers(a.ServerSecret);
        var bSecret = ProjectKeys.Headers(b.ServerSecret);
        const string metric = "isolated_metric";
        string[] aUsers = ["a-user-1", "a-user-2", "a-user-3"];

        // Live subscribers of both projects, subscribed before A ingests.
        using var aLive = server.Logstream.Subscribe(new SubscribeRequest { IncludeTest = true, IncludeRejected = true }, aSecret);
        using var bLive = server.Logstream.Subscribe(new SubscribeRequest { IncludeTest = true, IncludeRejected = true }, bSecret);
        await aLive.ResponseHeadersAsync;
        await bLive.ResponseHeadersAsync;

        var ingest = new LogCustomMetricRequest();
        foreach (var user in aUsers)
            ingest.Metrics.Add(new MetricRecord { UserId = user, IdType = "user_id", MetricName = metric, MetricValue = 5, Date = Day });
        Assert.Equal(3, (await server.Ingest.LogCustomMetricAsync(ingest, ProjectKeys.Headers(a.IngestKey))).Accepted);
        var testIngest = new LogCustomMetricRequest
        {
            IsTest = true,
            Metrics = { new MetricRecord { UserId = "a-test-user", IdType = "user_id", MetricName = metric, MetricValue = 1, Date = Day } },
        };
        Assert.Equal(1, (await server.Ingest.LogCustomMetricAsync(testIngest, ProjectKeys.Headers(a.IngestKey))).Accepted);
        var sealedA = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, aSecret);
        Assert.Contains(Day, sealedA.FinalizedDates);
        Assert.Equal(DayStatus.Finalized, (await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = Day }, aSecret)).Status);

        // B sees none of A's data.
        var notFound = await Assert.ThrowsAsync<RpcException>(() =>
            server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = Day, IncludeTest = true }, bSecret).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        Assert.Empty((await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), bSecret)).Metrics);
        var exportError = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var export = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = metric, Date = Day }, bSecret);
            while (await export.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });
        Assert.Equal(StatusCode.NotFound, exportError.StatusCode);

        // B's watermark is its own: A's MarkDataReady moved nothing, and B's day is still open for writes.
        var bReadiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), bSecret);
        Assert.Equal(0, bReadiness.Watermark);
        Assert.Equal("", bReadiness.LastFinalizedDate);
        Assert.Empty(bReadiness.OpenDates);
        var marker = new LogCustomMetricRequest
        {
            Metrics = { new MetricRecord { UserId = "b-marker", IdType = "user_id", MetricName = metric, MetricValue = 7, Date = Day } },
        };
        Assert.Equal(1, (await server.Ingest.LogCustomMetricAsync(marker, ProjectKeys.Headers(b.IngestKey))).Accepted);
        var bDay = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = Day }, bSecret);
        Assert.Equal(DayStatus.Open, bDay.Status);
        Assert.Equal(1, bDay.Overall.UnitCount);
        Assert.Equal(7.0, bDay.Overall.Sum);
        // ... and B writing to that day did not reach A's finalized aggregate.
        var aDay = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = Day }, aSecret);
        Assert.Equal(3, aDay.Overall.UnitCount);
        Assert.Equal(15.0, aDay.Overall.Sum);

        // Logstream, both ways: each project's last entry is written after the other's, so each reader reads past
        // everything the other wrote, and its whole stream is its own.
        await IngestOneAsync(server, a.IngestKey, "a-after-b", metric);
        await IngestOneAsync(server, b.IngestKey, "b-after-a", metric);
        string[] aStream = [.. aUsers, "a-test-user", "a-after-b"];
        string[] bStream = ["b-marker", "b-after-a"];
        var aEntries = await ReadUntilAsync(aLive, e => e.Any(x => x.UserId == "a-after-b"), TimeSpan.FromSeconds(15));
        Assert.Equal(aStream.Order(), aEntries.Select(e => e.UserId).Order());
        var bEntries = await ReadUntilAsync(bLive, e => e.Any(x => x.UserId == "b-after-a"), TimeSpan.FromSeconds(15));
        Assert.Equal(bStream, bEntries.Select(e => e.UserId));

        // Backlog replay (1000) is per project too.
        using var bBacklog = server.Logstream.Subscribe(new SubscribeRequest { Backlog = 1000, IncludeTest = true, IncludeRejected = true }, bSecret);
        var bReplay = await ReadUntilAsync(bBacklog, e => e.Any(x => x.UserId == "b-after-a"), TimeSpan.FromSeconds(15));
        Assert.Equal(bStream, bReplay.Select(e => e.UserId));
        using var aBacklog = server.Logstream.Subscribe(new SubscribeRequest { Backlog = 1000, IncludeTest = true, IncludeRejected = true }, aSecret);
        var aReplay = await ReadUntilAsync(aBacklog, e => e.Any(x => x.UserId == "a-after-b"), TimeSpan.FromSeconds(15));
        Assert.Equal(aStream.Order(), aReplay.Select(e => e.UserId).Order());
    }

    [Fact]
    public async Task ReadinessEventsAndLogstreamCursorsArePerProject()
    {
        var server = await SharedServer.GetAsync();
        var a = server.NewProject();
        var b = server.NewProject();
        var aSecret = ProjectKeys.Headers(a.ServerSecret);
        var bSecret = ProjectKeys.Headers(b.ServerSecret);
        const string metric = "cursor_metric";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // Each watcher sees its own project's seal only: B seals first, so A's first event is A's.
        using var aWatch = server.Readiness.WatchReadiness(new WatchReadinessRequest(), aSecret, cancellationToken: timeout.Token);
        using var bWatch = server.Readiness.WatchReadiness(new WatchReadinessRequest(), bSecret, cancellationToken: timeout.Token);
        await aWatch.ResponseHeadersAsync;
        await bWatch.ResponseHeadersAsync;
        await Ingesting.IngestAsync(server, b, Ingesting.Record("b1", metric, 1, "2026-04-20"));
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf("2026-04-20") }, bSecret);
        await Ingesting.IngestAsync(server, a, Ingesting.Record("a1", metric, 1, "2026-04-22"));
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf("2026-04-22") }, aSecret);
        Assert.Equal("2026-04-22", (await Ingesting.NextAsync(aWatch, timeout.Token)).Date);
        Assert.Equal("2026-04-20", (await Ingesting.NextAsync(bWatch, timeout.Token)).Date);

        // A cursor of B's stream beyond A's newest entry is refused to A: resuming after it would skip A's entries up to it.
        await IngestOneAsync(server, b.IngestKey, "b-cursor", metric);
        using var bBacklog = server.Logstream.Subscribe(new SubscribeRequest { Backlog = 1 }, bSecret);
        var bCursor = (await ReadUntilAsync(bBacklog, e => e.Count == 1, TimeSpan.FromSeconds(15))).Single().Cursor;
        using var aAhead = server.Logstream.Subscribe(new SubscribeRequest { AfterCursor = bCursor }, aSecret, cancellationToken: timeout.Token);
        Assert.Equal(StatusCode.OutOfRange, (await Assert.ThrowsAsync<RpcException>(() => aAhead.ResponseStream.MoveNext(timeout.Token))).StatusCode);

        // Once A's stream holds an entry past it, the cursor resumes A's own stream there: none of B's entries, before or after it.
        await IngestOneAsync(server, a.IngestKey, "a-past-cursor", metric);
        using var aResumed = server.Logstream.Subscribe(new SubscribeRequest { AfterCursor = bCursor }, aSecret);
        await aResumed.ResponseHeadersAsync;
        await IngestOneAsync(server, b.IngestKey, "b-after-cursor", metric);
        await IngestOneAsync(server, a.IngestKey, "a-after-cursor", metric);
        var aEntries = await ReadUntilAsync(aResumed, e => e.Any(x => x.UserId == "a-after-cursor"), TimeSpan.FromSeconds(15));
        Assert.Equal(["a-past-cursor", "a-after-cursor"], aEntries.Select(e => e.UserId));
    }

    /// <summary>One record for <paramref name="user"/> on <see cref="OpenDay"/>, which no seal of these tests reaches.</summary>
    private static async Task IngestOneAsync(SharedServer server, string ingestKey, string user, string metric)
    {
        var request = new LogCustomMetricRequest
        {
            Metrics = { new MetricRecord { UserId = user, IdType = "user_id", MetricName = metric, MetricValue = 1, Date = OpenDay } },
        };
        Assert.Equal(1, (await server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(ingestKey))).Accepted);
    }

    [Fact]
    public async Task IngestKeyWritesOnlyItsOwnProject()
    {
        var server = await SharedServer.GetAsync();
        var a = server.NewProject();
        var b = server.NewProject();
        var request = new LogCustomMetricRequest
        {
            Metrics = { new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "own_metric", MetricValue = 1, Date = Day } },
        };

        Assert.Equal(1, (await server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(a.IngestKey))).Accepted);

        var lookup = new GetMetricDayRequest { MetricName = "own_metric", Date = Day };
        Assert.Equal(1, (await server.Metrics.GetMetricDayAsync(lookup, ProjectKeys.Headers(a.ServerSecret))).Overall.RowCount);
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Metrics.GetMetricDayAsync(lookup, ProjectKeys.Headers(b.ServerSecret)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    /// <summary>
    /// Calls one RPC and returns its status: OK once it answered what the seeded project holds (a live stream once it
    /// delivered it: the seeded backlog, the event of a seal made while watching), or the error.
    /// </summary>
    private static async Task<StatusCode> CallAsync(SharedServer server, string rpc, Metadata? headers)
    {
        var unaryDeadline = DateTime.UtcNow.AddSeconds(30);
        try
        {
            switch (rpc)
            {
                case "LogCustomMetric":
                    var ingested = await server.Ingest.LogCustomMetricAsync(new LogCustomMetricRequest
                    {
                        Metrics = { new MetricRecord { UserId = "u-auth", IdType = "user_id", MetricName = "auth_written", MetricValue = 1, Date = OpenDay } },
                    }, headers, unaryDeadline);
                    Assert.Equal(1, ingested.Accepted);
                    return StatusCode.OK;
                case "MarkDataReady":
                    await server.Readiness.MarkDataReadyAsync(
                        new MarkDataReadyRequest { Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, Type = "metrics" }, headers, unaryDeadline);
                    return StatusCode.OK;
                case "GetReadiness":
                    var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), headers, unaryDeadline);
                    Assert.Equal(PacificTime.EndOf(Day), readiness.Watermark);
                    Assert.Equal(Day, readiness.LastFinalizedDate);
                    return StatusCode.OK;
                case "WatchReadiness":
                    using (var watch = server.Readiness.WatchReadiness(new WatchReadinessRequest(), headers, unaryDeadline))
                    {
                        await watch.ResponseHeadersAsync;
                        var record = new MetricRecord { UserId = "u-watched", IdType = "user_id", MetricName = Metric, MetricValue = 1, Date = WatchedDay };
                        await server.Ingest.LogCustomMetricAsync(new LogCustomMetricRequest { Metrics = { record } }, headers, unaryDeadline);
                        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(WatchedDay) }, headers, unaryDeadline);
                        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
                        Assert.Equal(WatchedDay, watch.ResponseStream.Current.Date);
                    }
                    return StatusCode.OK;
                case "Subscribe":
                    using (var subscription = server.Logstream.Subscribe(new SubscribeRequest { Backlog = 10 }, headers, unaryDeadline))
                    {
                        var users = new List<string>();
                        while (users.Count < 2 && await subscription.ResponseStream.MoveNext(CancellationToken.None))
                            users.Add(subscription.ResponseStream.Current.UserId);
                        Assert.Equal(["seed-1", "seed-2"], users.Order());
                    }
                    return StatusCode.OK;
                case "ListMetrics":
                    var list = await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), headers, unaryDeadline);
                    Assert.Contains(list.Metrics, m => m.MetricName == Metric);
                    return StatusCode.OK;
                case "GetMetricDay":
                    var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = Metric, Date = Day }, headers, unaryDeadline);
                    Assert.Equal(2, day.Overall.UnitCount);
                    return StatusCode.OK;
                case "ExportMetricDay":
                    using (var export = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = Metric, Date = Day }, headers, unaryDeadline))
                    {
                        var units = 0;
                        while (await export.ResponseStream.MoveNext(CancellationToken.None))
                            units++;
                        Assert.Equal(2, units);
                    }
                    return StatusCode.OK;
                default:
                    throw new ArgumentOutOfRangeException(nameof(rpc), rpc, null);
            }
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    /// <summary>Two units of <see cref="Metric"/> on <see cref="Day"/>, sealed.</summary>
    private static async Task SeedFinalizedDayAsync(SharedServer server, ProjectKeys project)
    {
        var seed = new LogCustomMetricRequest
        {
            Metrics =
            {
                new MetricRecord { UserId = "seed-1", IdType = "user_id", MetricName = Metric, MetricValue = 1, Date = Day },
                new MetricRecord { UserId = "seed-2", IdType = "stable_id", MetricName = Metric, MetricValue = 2, Date = Day },
            },
        };
        Assert.Equal(2, (await server.Ingest.LogCustomMetricAsync(seed, ProjectKeys.Headers(project.ServerSecret))).Accepted);
        var sealedDays = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, ProjectKeys.Headers(project.ServerSecret));
        Assert.Contains(Day, sealedDays.FinalizedDates);
    }

    private static async Task<List<LogstreamEntry>> ReadUntilAsync(
        AsyncServerStreamingCall<LogstreamEntry> call, Func<List<LogstreamEntry>, bool> done, TimeSpan timeout)
    {
        var entries = new List<LogstreamEntry>();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (!done(entries) && await call.ResponseStream.MoveNext(cts.Token))
                entries.Add(call.ResponseStream.Current);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Cancelled or StatusCode.DeadlineExceeded)
        {
        }
        catch (OperationCanceledException)
        {
        }
        return entries;
    }
}
