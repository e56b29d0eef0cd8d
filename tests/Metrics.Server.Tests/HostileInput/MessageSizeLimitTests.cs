using System.Globalization;
using System.Net;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.HostileInput.HostileInputProbe;

namespace Metrics.Server.Tests.HostileInput;

/// <summary>
/// <c>Metrics:MaxMessageBytes</c>, 16 MiB by default: a gRPC message or JSON body of exactly that size is read
/// (and here refused for its over-long user_id), one byte more is refused unread — RESOURCE_EXHAUSTED over gRPC,
/// HTTP 413 over JSON — and the largest valid request fits with room to spare over both. Heavy: on the server of
/// the heavy tests.
/// </summary>
[Collection(HeavyTestsCollection.Name)]
public sealed class MessageSizeLimitTests(HeavyTestsServer heavy)
{
    private const int Limit = 16 << 20;

    [Theory]
    [InlineData(0, StatusCode.InvalidArgument)]
    [InlineData(1, StatusCode.ResourceExhausted)]
    public async Task GrpcMessageAtTheLimitIsReadAndOneByteMoreIsNot(int overLimit, StatusCode expected)
    {
        var server = heavy.Server;
        var project = server.NewProject();
        var request = RequestOfSize(Limit + overLimit);

        var status = await RawGrpc.CallAsync(server.Channel, RawGrpc.LogCustomMetric, request, ProjectKeys.Headers(project.IngestKey));

        Assert.True(expected == status.StatusCode, $"expected {expected}, got {status.StatusCode}: {status.Detail}");
        Assert.Contains(expected == StatusCode.InvalidArgument ? "metrics[0].user_id" : "maximum", status.Detail);
        await AssertNothingIngestedAndStillServesAsync(server, project);
    }

    [Theory]
    [InlineData(0, HttpStatusCode.BadRequest)]
    [InlineData(1, HttpStatusCode.RequestEntityTooLarge)]
    public async Task JsonBodyAtTheLimitIsReadAndOneByteMoreIsNot(int overLimit, HttpStatusCode expected)
    {
        var server = heavy.Server;
        var project = server.NewProject();
        const string head = "{\"metrics\": [{\"id_type\": \"user_id\", \"metric_name\": \"hostile_metric\", \"metric_value\": 1, \"user_id\": \"";
        const string tail = "\"}]}";
        var body = head + new string('u', Limit + overLimit - head.Length - tail.Length) + tail;

        var (status, text) = await PostJsonAsync(server, project, body);

        Assert.True(expected == status, $"expected {(int)expected}, got {(int)status}: {text[..Math.Min(text.Length, 500)]}");
        Assert.Contains(expected == HttpStatusCode.BadRequest ? "metrics[0].user_id" : "larger than the limit", text);
        await AssertNothingIngestedAndStillServesAsync(server, project);
    }

    [Fact]
    public async Task LargestValidRequestIsAcceptedOverGrpc()
    {
        var server = heavy.Server;
        var project = server.NewProject();
        var request = new LogCustomMetricRequest { IdempotencyKey = LongestIdempotencyKey };
        for (var i = 0; i < 10_000; i++)
            request.Metrics.Add(new MetricRecord
            {
                UserId = LongestUserId(i), IdType = "stable_id", MetricName = LongestMetricName,
                Numerator = Numerator, Denominator = Denominator, Date = Day,
            });
        Assert.InRange(request.CalculateSize(), 4 << 20, Limit); // over gRPC's default limit of 4 MiB, within ours

        var response = await server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey));

        Assert.Equal(10_000, response.Accepted);
        await AssertTenThousandUnitsAsync(server, project);
    }

    [Fact]
    public async Task LargestValidRequestIsAcceptedOverJson()
    {
        var server = heavy.Server;
        var project = server.NewProject();
        var records = Enumerable.Range(0, 10_000).Select(i => string.Create(CultureInfo.InvariantCulture,
            $$"""{"user_id":"{{LongestUserId(i)}}","id_type":"stable_id","metric_name":"{{LongestMetricName}}","numerator":{{Numerator:R}},"denominator":{{Denominator:R}},"date":"{{Day}}"}"""));
        var body = $$"""{"isTest":false,"idempotency_key":"{{LongestIdempotencyKey}}","metrics":[{{string.Join(",", records)}}]}""";
        Assert.InRange(Encoding.UTF8.GetByteCount(body), 4 << 20, Limit);

        var (status, text) = await PostJsonAsync(server, project, body);

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {text}");
        Assert.Equal("{\"success\":true,\"accepted\":10000,\"duplicate\":false}", text);
        await AssertTenThousandUnitsAsync(server, project);
    }

    // As long in JSON as doubles get, within the bounds of validation (at most 1e15; a denominator other than 0 at least 1e-15).
    private const double Numerator = -1.2345678901234567E-300;
    private const double Denominator = 1.2345678901234567E-15;

    /// <summary>128 characters of 4 UTF-8 bytes each.</summary>
    private static readonly string LongestMetricName = string.Concat(Enumerable.Repeat("😀", 128));

    /// <summary>256 characters of 3 UTF-8 bytes each.</summary>
    private static readonly string LongestIdempotencyKey = new('€', 256);

    /// <summary>256 UTF-8 bytes: five digits, 125 characters of two bytes, one of one.</summary>
    private static string LongestUserId(int i) => $"{i:D5}{new string('é', 125)}x";

    /// <summary>A request whose single record's user_id is long enough to make the message exactly <paramref name="size"/> bytes.</summary>
    private static byte[] RequestOfSize(int size)
    {
        LogCustomMetricRequest Request(int userIdLength) => new()
        {
            Metrics = { new MetricRecord { UserId = new string('u', userIdLength), IdType = "user_id", MetricName = "hostile_metric", MetricValue = 1, Date = Day } },
        };
        var guess = 8 << 20; // its lengths take as many varint bytes as the final ones
        var bytes = Request(guess + size - Request(guess).CalculateSize()).ToByteArray();
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    private static async Task AssertTenThousandUnitsAsync(SharedServer server, ProjectKeys project)
    {
        var day = await server.Metrics.GetMetricDayAsync(
            new GetMetricDayRequest { MetricName = LongestMetricName, Date = Day }, ProjectKeys.Headers(project.ServerSecret));
        Assert.Equal(LongestMetricName, day.MetricName);
        Assert.Equal(MetricKind.Ratio, day.Kind);
        Assert.Equal((10_000L, 10_000L), (day.Overall.UnitCount, day.Overall.RowCount));
    }

    private static Task<(HttpStatusCode Status, string Body)> PostJsonAsync(SharedServer server, ProjectKeys project, string body) =>
        server.Http.PostJsonAsync("v1/log_custom_metric", project.IngestKey, body);
}
