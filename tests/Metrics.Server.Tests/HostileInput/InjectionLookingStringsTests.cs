using System.Net;
using System.Text.Json;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.HostileInput.HostileInputProbe;

namespace Metrics.Server.Tests.HostileInput;

/// <summary>
/// Strings that look like injection attempts are valid user IDs, metric names and idempotency keys: each is
/// accepted, stored and returned verbatim — by GetMetricDay, ListMetrics, the Logstream (filters included) and
/// ExportMetricDay, over gRPC and JSON — and never interpreted: another project's data is untouched.
/// </summary>
public sealed class InjectionLookingStringsTests
{
    public static TheoryData<string> Strings() => new(HostileStrings.All);

    [Theory]
    [MemberData(nameof(Strings))]
    public async Task StringIsStoredAndReturnedVerbatim(string text)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var bystander = server.NewProject();
        var secret = ProjectKeys.Headers(project.ServerSecret);
        await SeedOpenDayAsync(server, bystander);

        // The string as user ID and metric name, once over gRPC (user_id) and once over JSON (stable_id) as the idempotency key too.
        var grpcRecord = new MetricRecord { UserId = text, IdType = "user_id", MetricName = text, MetricValue = 2, Date = Day };
        Assert.Equal(1, (await server.Ingest.LogCustomMetricAsync(new LogCustomMetricRequest { Metrics = { grpcRecord } }, ProjectKeys.Headers(project.IngestKey))).Accepted);
        var json = JsonSerializer.Serialize(new
        {
            idempotency_key = text,
            metrics = new[] { new { user_id = text, id_type = "stable_id", metric_name = text, metric_value = 3, date = Day } },
        });
        Assert.Equal("{\"success\":true,\"accepted\":1,\"duplicate\":false}", await PostJsonAsync(server, project.IngestKey, json));
        Assert.Equal("{\"success\":true,\"accepted\":0,\"duplicate\":true}", await PostJsonAsync(server, project.IngestKey, json));

        var catalog = await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), secret);
        Assert.Equal([text], catalog.Metrics.Select(m => m.MetricName));
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = text, Date = Day }, secret);
        Assert.Equal(text, day.MetricName);
        Assert.Equal(2, day.Overall.UnitCount);
        Assert.Equal(5.0, day.Overall.Sum);

        using (var logstream = server.Logstream.Subscribe(
                   new SubscribeRequest { Backlog = 10, UserId = text, MetricNames = { text } }, secret, cancellationToken: Timeout().Token))
        {
            var entries = await logstream.TakeAsync(2, Timeout().Token);
            Assert.All(entries, e => Assert.Equal((text, text), (e.UserId, e.MetricName)));
            Assert.Equal(["stable_id", "user_id"], entries.Select(e => e.IdType).Order());
        }
        var jsonEntries = await JsonLogstreamAsync(server, project, text, 2);
        Assert.All(jsonEntries, e => Assert.Equal((text, text), (e.GetProperty("userId").GetString(), e.GetProperty("metricName").GetString())));

        var sealedDays = await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, secret);
        Assert.Equal([Day], sealedDays.FinalizedDates);
        using var export = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = text, Date = Day }, secret);
        var units = new List<UnitValue>();
        while (await export.ResponseStream.MoveNext(Timeout().Token))
            units.Add(export.ResponseStream.Current);
        Assert.Equal([(text, "stable_id", 3.0), (text, "user_id", 2.0)], units.Select(u => (u.UserId, u.IdType, u.Value)).Order());

        await AssertBystanderUntouchedAsync(server, bystander);
    }

    /// <summary>
    /// The JSON routes name the metric in a path segment, percent-encoded: a '/' as %2F, a '%' as %25. A decoy metric
    /// named like the encoded form proves the name is decoded exactly once.
    /// </summary>
    [Theory]
    [MemberData(nameof(Strings))]
    public async Task JsonRoutesFindTheMetricByItsEncodedName(string text)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var encoded = Uri.EscapeDataString(text);
        var request = new LogCustomMetricRequest { Metrics = { new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = text, MetricValue = 4, Date = Day } } };
        if (encoded != text)
            request.Metrics.Add(new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = encoded, MetricValue = 9, Date = Day });
        Assert.Equal(request.Metrics.Count, (await server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey))).Accepted);
        await server.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }, ProjectKeys.Headers(project.ServerSecret));

        using (var day = JsonDocument.Parse(await GetJsonAsync(server, project, $"v1/metrics/{encoded}/days/{Day}")))
        {
            Assert.Equal(text, day.RootElement.GetProperty("metricName").GetString());
            Assert.Equal(4.0, day.RootElement.GetProperty("overall").GetProperty("sum").GetDouble());
        }
        using (var unit = JsonDocument.Parse((await GetJsonAsync(server, project, $"v1/metrics/{encoded}/days/{Day}/units")).Trim().TrimStart('[').TrimEnd(']')))
            Assert.Equal(("u1", 4.0), (unit.RootElement.GetProperty("userId").GetString(), unit.RootElement.GetProperty("value").GetDouble()));
        if (encoded != text)
        {
            using var decoy = JsonDocument.Parse(await GetJsonAsync(server, project, $"v1/metrics/{Uri.EscapeDataString(encoded)}/days/{Day}"));
            Assert.Equal((encoded, 9.0), (decoy.RootElement.GetProperty("metricName").GetString(), decoy.RootElement.GetProperty("overall").GetProperty("sum").GetDouble()));
        }
    }

    private static async Task AssertBystanderUntouchedAsync(SharedServer server, ProjectKeys bystander)
    {
        var secret = ProjectKeys.Headers(bystander.ServerSecret);
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = Metric, Date = Day }, secret);
        Assert.Equal((DayStatus.Open, 1L, 1.0), (day.Status, day.Overall.RowCount, day.Overall.Sum));
        Assert.Equal([Metric], (await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), secret)).Metrics.Select(m => m.MetricName));
    }

    private static async Task<string> GetJsonAsync(SharedServer server, ProjectKeys project, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("statsig-api-key", project.ServerSecret);
        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}: {body}");
        return body;
    }

    private static async Task<string> PostJsonAsync(SharedServer server, string key, string json)
    {
        var (status, body) = await server.Http.PostJsonAsync("v1/log_custom_metric", key, json);
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
        return body;
    }

    /// <summary>The first <paramref name="count"/> entries of the JSON Logstream, filtered by user ID and metric name.</summary>
    private static async Task<List<JsonElement>> JsonLogstreamAsync(SharedServer server, ProjectKeys project, string text, int count)
    {
        using var timeout = Timeout();
        var query = $"backlog=10&user_id={Uri.EscapeDataString(text)}&metric_names={Uri.EscapeDataString(text)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/logstream?{query}");
        request.Headers.Add("statsig-api-key", project.ServerSecret);
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var lines = new StreamReader(body);
        var entries = new List<JsonElement>();
        await LogstreamReading.ReadJsonEntriesAsync(lines, entries, count, timeout.Token);
        await timeout.CancelAsync();
        return entries;
    }

    private static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(30));
}
