using System.Net;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.HostileInput.HostileInputProbe;

namespace Metrics.Server.Tests.HostileInput;

/// <summary>
/// Fields the contract does not define are ignored, over JSON as over protobuf, so that a client built against
/// a newer contract still works: the request is applied as its known fields say.
/// </summary>
public sealed class UnknownFieldsTests
{
    [Fact]
    public async Task JsonUnknownFieldsAreIgnored()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        const string body = """
            {"isTest": false, "priority": "high", "extra": {"nested": [1, {"deep": null}]},
             "metrics": [
               {"user_id": "u1", "id_type": "user_id", "metric_name": "probe_metric", "metric_value": 2, "date": "2026-05-10", "unit": "USD"},
               {"userId": "u2", "idType": "stable_id", "metricName": "probe_metric", "metricValue": 3, "date": "2026-05-10", "weight": 0.5, "tags": ["a"]}
             ]}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/log_custom_metric") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("statsig-api-key", project.IngestKey);

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"success\":true,\"accepted\":2,\"duplicate\":false}", await response.Content.ReadAsStringAsync());
        await AssertAppliedAsGivenAsync(server, project);
    }

    [Fact]
    public async Task ProtobufUnknownFieldsAreIgnored()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var records = new[]
        {
            new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = Metric, MetricValue = 2, Date = Day },
            new MetricRecord { UserId = "u2", IdType = "stable_id", MetricName = Metric, MetricValue = 3, Date = Day },
        };
        var unknown = ProtobufWire.Concat(ProtobufWire.Varint(99, 12345), ProtobufWire.LengthDelimited(100, Encoding.UTF8.GetBytes("extra")));
        var request = ProtobufWire.Concat(
            unknown,
            ProtobufWire.LengthDelimited(LogCustomMetricRequest.MetricsFieldNumber, ProtobufWire.Concat(records[0].ToByteArray(), unknown)),
            ProtobufWire.LengthDelimited(LogCustomMetricRequest.MetricsFieldNumber, ProtobufWire.Concat(unknown, records[1].ToByteArray())));

        var status = await RawGrpc.CallAsync(server.Channel, RawGrpc.LogCustomMetric, request, ProjectKeys.Headers(project.IngestKey));

        Assert.True(status.StatusCode == StatusCode.OK, $"{status.StatusCode}: {status.Detail}");
        await AssertAppliedAsGivenAsync(server, project);
    }

    /// <summary>u1 (user_id) with 2 and u2 (stable_id) with 3, and nothing else.</summary>
    private static async Task AssertAppliedAsGivenAsync(SharedServer server, ProjectKeys project)
    {
        var secret = ProjectKeys.Headers(project.ServerSecret);
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = Metric, Date = Day, IncludeTest = true }, secret);
        Assert.Equal((2L, 2L, 5.0), (day.Overall.UnitCount, day.Overall.RowCount, day.Overall.Sum));
        Assert.Equal([("stable_id", 3.0), ("user_id", 2.0)], day.ByIdType.Select(a => (a.IdType, a.Sum)).Order());
        Assert.Equal([Metric], (await server.Metrics.ListMetricsAsync(new ListMetricsRequest(), secret)).Metrics.Select(m => m.MetricName));
    }
}
