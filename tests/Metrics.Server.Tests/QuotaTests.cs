using System.Net;
using System.Text;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>
/// Quotas per project (SPEC §3): over one, a request is RESOURCE_EXHAUSTED (HTTP 429) naming the quota, and nothing
/// of it is applied. A server of its own with low quotas: <c>Metrics:Quotas</c>, and p1's own under <c>Metrics:Projects:p1:Quotas</c>.
/// </summary>
public sealed class QuotaTests(QuotaTests.LowQuotaServer fixture) : IClassFixture<QuotaTests.LowQuotaServer>
{
    private static readonly string[] Days = ["2026-05-01", "2026-05-02", "2026-05-03"];

    public sealed class LowQuotaServer : IAsyncLifetime
    {
        public MetricsServerProcess Server { get; private set; } = null!;

        public NodeClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await TestServers.StartAsync(new Dictionary<string, string>
            {
                ["Metrics:Quotas:MetricNames"] = "3",
                ["Metrics:Quotas:OpenMetricDays"] = "4",
                ["Metrics:Quotas:DaysPerRequest"] = "2",
                ["Metrics:Projects:p1:Quotas:MetricNames"] = "5",
                ["Metrics:Projects:p1:Quotas:OpenMetricDays"] = "10",
            });
            Client = new NodeClient(Server);
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Server.DisposeAsync();
        }
    }

    [Fact]
    public async Task NewMetricNamesPastTheQuotaAreResourceExhaustedAndNothingIsApplied()
    {
        var project = TestProject.Of(0);
        await IngestAsync(project, Record("a", Days[0]), Record("b", Days[0]));

        var error = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(project, Record("a", Days[0]), Record("c", Days[0]), Record("d", Days[0])));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("quota MetricNames (3)", error.Status.Detail);
        Assert.Equal(["a", "b"], await CatalogAsync(project));
        var a = await fixture.Client.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "a", Date = Days[0] }, Secret(project));
        Assert.Equal(1, a.Overall.RowCount);
        await IngestAsync(project, Record("c", Days[0]));
        Assert.Equal(["a", "b", "c"], await CatalogAsync(project));
    }

    [Fact]
    public async Task AProjectsOwnQuotaOverridesTheDefault()
    {
        var project = TestProject.Of(1);

        await IngestAsync(project, Record("a", Days[0]), Record("b", Days[0]), Record("c", Days[0]), Record("d", Days[0]), Record("e", Days[0]));

        Assert.Equal(5, (await CatalogAsync(project)).Count);
        var error = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(project, Record("f", Days[0])));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("quota MetricNames (5)", error.Status.Detail);
    }

    [Fact]
    public async Task OpenMetricDaysPastTheQuotaAreResourceExhaustedUntilASealClosesSome()
    {
        var project = TestProject.Of(2);
        await IngestAsync(project, Record("a", Days[0]), Record("b", Days[0]), Record("a", Days[1]), Record("b", Days[1]));

        var error = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(project, Record("a", Days[2])));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("quota OpenMetricDays (4)", error.Status.Detail);
        Assert.DoesNotContain(Days[2], (await fixture.Client.Readiness.GetReadinessAsync(new GetReadinessRequest(), Secret(project))).OpenDates);

        await fixture.Client.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Days[0]) }, Secret(project));
        await IngestAsync(project, Record("a", Days[2]));
    }

    [Fact]
    public async Task ARequestNamingMoreDaysThanTheQuotaIsResourceExhausted()
    {
        var project = TestProject.Of(3);

        var error = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(project, Record("a", Days[0]), Record("a", Days[1]), Record("a", Days[2])));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("quota DaysPerRequest (2)", error.Status.Detail);
        Assert.Empty(await CatalogAsync(project));
        Assert.Empty((await fixture.Client.Readiness.GetReadinessAsync(new GetReadinessRequest(), Secret(project))).OpenDates);
    }

    /// <summary>Nothing of a request refused for a quota was applied: its idempotency key is free again, for the request made smaller.</summary>
    [Fact]
    public async Task ARequestRefusedForAQuotaLeavesItsIdempotencyKeyFree()
    {
        var project = TestProject.Of(7);
        var tooLarge = new LogCustomMetricRequest { IdempotencyKey = "split-me", Metrics = { Record("a", Days[0]), Record("a", Days[1]), Record("a", Days[2]) } };
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Client.Ingest.LogCustomMetricAsync(tooLarge, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);

        var smaller = new LogCustomMetricRequest { IdempotencyKey = "split-me", Metrics = { Record("a", Days[0]), Record("a", Days[1]) } };
        var reply = await fixture.Client.Ingest.LogCustomMetricAsync(smaller, ProjectKeys.Headers(project.IngestKey));

        Assert.Equal(2, reply.Accepted);
        Assert.False(reply.Duplicate);
    }

    [Fact]
    public async Task ConcurrentRequestsForTheLastFreeNameAdmitExactlyOne()
    {
        var project = TestProject.Of(5);
        await IngestAsync(project, Record("a", Days[0]), Record("b", Days[0]));

        var calls = Enumerable.Range(0, 10).Select(async i =>
        {
            try
            {
                await IngestAsync(project, Record($"new_{i}", Days[0]));
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        });
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal(1, outcomes.Count(o => o == StatusCode.OK));
        Assert.Equal(9, outcomes.Count(o => o == StatusCode.ResourceExhausted));
        Assert.Equal(3, (await CatalogAsync(project)).Count);
    }

    [Fact]
    public async Task TestRecordsCountAsOpenMetricDays()
    {
        var project = TestProject.Of(6);
        var records = new[] { "a", "b", "c", "d", "e" }.Select(m => Record(m, Days[0])).ToArray();

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Client.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest { IsTest = true, Metrics = { records } }, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("quota OpenMetricDays (4)", error.Status.Detail);
    }

    [Fact]
    public async Task OverJsonAQuotaIs429()
    {
        var project = TestProject.Of(4);
        using var http = fixture.Server.CreateHttpClient();
        var records = string.Join(",", Days.Select(d => $$"""{"user_id": "u", "id_type": "user_id", "metric_name": "a", "metric_value": 1, "date": "{{d}}"}"""));
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/log_custom_metric")
        {
            Content = new StringContent($$"""{"metrics": [{{records}}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("statsig-api-key", project.IngestKey);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("DaysPerRequest", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AQuotaBelowOneStopsTheStartNamingIt()
    {
        var start = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServers.StartAsync(
            new Dictionary<string, string> { ["Metrics:Projects:p0:Quotas:OpenMetricDays"] = "0" }));

        Assert.Contains("Metrics:Projects:p0:Quotas:OpenMetricDays must be at least 1", start.Message);
    }

    /// <summary>A request over a quota leaves no trace in the Logstream: a tenant over its quota cannot fill it.</summary>
    [Fact]
    public async Task ARequestOverAQuotaAddsNothingToTheLogstream()
    {
        var project = TestProject.Of(8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var live = await fixture.Client.Logstream.SubscribeLiveAsync(
            new SubscribeRequest { IncludeRejected = true, IncludeTest = true }, Secret(project), timeout.Token);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            IngestAsync(project, Record("a", Days[0]), Record("b", Days[0]), Record("c", Days[0]), Record("d", Days[0])));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await IngestAsync(project, Record("after", Days[0]));

        var first = Assert.Single(await live.TakeAsync(1, timeout.Token));
        Assert.Equal("after", first.MetricName);
        Assert.Equal(EntryStatus.Accepted, first.Status);
    }

    private static MetricRecord Record(string metric, string date) =>
        new() { UserId = "u", IdType = "user_id", MetricName = metric, MetricValue = 1, Date = date };

    private static Metadata Secret(ProjectKeys project) => ProjectKeys.Headers(project.ServerSecret);

    private async Task IngestAsync(ProjectKeys project, params MetricRecord[] records)
    {
        var reply = await fixture.Client.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest { Metrics = { records } }, ProjectKeys.Headers(project.IngestKey));
        Assert.Equal(records.Length, reply.Accepted);
    }

    private async Task<List<string>> CatalogAsync(ProjectKeys project) =>
        (await fixture.Client.Metrics.ListMetricsAsync(new ListMetricsRequest { PageSize = 1000 }, Secret(project))).Metrics.Select(m => m.MetricName).ToList();
}
