using Google.Rpc;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>
/// README "Configuration": <c>Metrics:Projects:&lt;project&gt;:IdTypes</c> replaces the default ID types for that project
/// alone — records of its own types are accepted and aggregated by them, the defaults are refused with the project's
/// list and a suggestion, and another project keeps the defaults. A server of its own, which also says at start-up
/// which deployment it runs.
/// </summary>
public sealed class ProjectIdTypesTests
{
    private const string Day = "2026-05-10";
    private const string Metric = "configured_types";

    [Fact]
    public async Task AProjectsConfiguredIdTypesAreItsOwnAndTheStartSaysWhichModeRuns()
    {
        var configured = TestProject.Of(0);
        var other = TestProject.Of(1);
        await using var server = await TestServers.StartAsync(new Dictionary<string, string>
        {
            [$"Metrics:Projects:{configured.Name}:IdTypes:0"] = "account_id",
            [$"Metrics:Projects:{configured.Name}:IdTypes:1"] = "device_id",
        });
        using var channel = server.CreateChannel();
        var ingest = new IngestService.IngestServiceClient(channel);
        var metrics = new MetricsService.MetricsServiceClient(channel);

        Assert.Contains(TestStorage.UsesRedis ? "Redis deployment: node " : "Embedded mode: a single node keeping everything in memory", server.Output);

        var accepted = await ingest.LogCustomMetricAsync(Request(("a-1", "account_id"), ("d-1", "device_id"), ("a-2", "account_id")), ProjectKeys.Headers(configured.IngestKey));
        Assert.Equal(3, accepted.Accepted);
        var day = await metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = Metric, Date = Day }, ProjectKeys.Headers(configured.ServerSecret));
        Assert.Equal(3, day.Overall.UnitCount);
        Assert.Equal([("account_id", 2L), ("device_id", 1L)], day.ByIdType.Select(t => (t.IdType, t.UnitCount)).Order());

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            ingest.LogCustomMetricAsync(Request(("u-1", "user_id"), ("a-3", "accountID")), ProjectKeys.Headers(configured.IngestKey)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var violations = refused.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations;
        Assert.Equal(["metrics[0].id_type", "metrics[1].id_type"], violations.Select(v => v.Field));
        Assert.Contains("(defined: account_id, device_id)", violations[0].Description);
        Assert.Contains("did you mean \"account_id\"?", violations[1].Description);

        Assert.Equal(1, (await ingest.LogCustomMetricAsync(Request(("u-1", "user_id")), ProjectKeys.Headers(other.IngestKey))).Accepted);
        var foreign = await Assert.ThrowsAsync<RpcException>(() =>
            ingest.LogCustomMetricAsync(Request(("a-1", "account_id")), ProjectKeys.Headers(other.IngestKey)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, foreign.StatusCode);
        Assert.Equal(3, (await metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = Metric, Date = Day }, ProjectKeys.Headers(configured.ServerSecret))).Overall.UnitCount);
    }

    private static LogCustomMetricRequest Request(params (string User, string IdType)[] records)
    {
        var request = new LogCustomMetricRequest();
        foreach (var (user, idType) in records)
            request.Metrics.Add(new MetricRecord { UserId = user, IdType = idType, MetricName = Metric, MetricValue = 1, Date = Day });
        return request;
    }
}
