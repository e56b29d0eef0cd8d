using System.Globalization;
using System.Net;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Metrics.Server.Tests;

/// <summary>
/// Bounded fuzzing, each on a server of its own, with fixed seeds: 2,000 mutated LogCustomMetricRequest messages
/// over gRPC, and 2,000 random or mutated JSON bodies to the two POST routes. Every answer is a documented
/// status; afterwards the process is alive and serves, logged no unhandled exception and no error, and its
/// memory stayed bounded.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 2_000;
    private const string Day = "2026-05-10";

    /// <summary>How much the server's resident memory may grow over the fuzzing: its inputs are small, and nothing of a refused one is kept.</summary>
    private const long MaxResidentGrowthBytes = 128L << 20;

    private static readonly HashSet<StatusCode> DocumentedGrpc =
        [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.FailedPrecondition, StatusCode.ResourceExhausted];

    private static readonly HashSet<HttpStatusCode> DocumentedHttp = [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge];

    [Fact]
    public async Task MutatedProtobufMessages()
    {
        await using var server = await TestServers.StartAsync();
        using var channel = server.CreateChannel();
        var key = ProjectKeys.Headers(TestProject.Of(0).ServerSecret);
        var residentBefore = ResidentBytes(server.ProcessId);
        var random = new Random(5001);
        var mutator = new ByteMutator(random);
        var seeds = ValidRequests().Select(r => r.ToByteArray()).ToArray();
        var answers = new Dictionary<StatusCode, int>();
        var undocumented = new List<string>();

        for (var i = 0; i < Inputs; i++)
        {
            var input = mutator.Mutate(seeds[random.Next(seeds.Length)], seeds[random.Next(seeds.Length)]);
            var status = await RawGrpc.CallAsync(channel, RawGrpc.LogCustomMetric, input, key);
            answers[status.StatusCode] = answers.GetValueOrDefault(status.StatusCode) + 1;
            if (!DocumentedGrpc.Contains(status.StatusCode))
                undocumented.Add($"{status.StatusCode} ({status.Detail}) for {Convert.ToHexString(input)}");
        }

        output.WriteLine(string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}")));
        Assert.True(undocumented.Count == 0, $"{undocumented.Count} undocumented answers, e.g.:\n{string.Join("\n", undocumented.Take(5))}");
        await AssertUnharmedAsync(server, residentBefore);
    }

    [Fact]
    public async Task RandomAndMutatedJsonBodies()
    {
        await using var server = await TestServers.StartAsync();
        using var http = server.CreateHttpClient();
        var secret = TestProject.Of(0).ServerSecret;
        var residentBefore = ResidentBytes(server.ProcessId);
        var random = new Random(5002);
        var json = new RandomJson(random);
        var mutator = new ByteMutator(random);
        var seeds = ValidJsonBodies();
        var answers = new Dictionary<HttpStatusCode, int>();
        var undocumented = new List<string>();

        for (var i = 0; i < Inputs; i++)
        {
            var route = random.Next(4) == 0 ? "v1/mark_data_ready" : "v1/log_custom_metric";
            var body = random.Next(3) == 0
                ? mutator.Mutate(seeds[random.Next(seeds.Length)], seeds[random.Next(seeds.Length)])
                : Encoding.UTF8.GetBytes(json.Body());
            var (status, error) = await PostAsync(http, route, secret, body);
            answers[status] = answers.GetValueOrDefault(status) + 1;
            if (!DocumentedHttp.Contains(status) || (status != HttpStatusCode.OK && !IsRpcStatus(error)))
                undocumented.Add($"{(int)status} {error} for POST {route} {Encoding.UTF8.GetString(body)}");
        }

        output.WriteLine(string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{(int)a.Key}: {a.Value}")));
        Assert.True(undocumented.Count == 0, $"{undocumented.Count} undocumented answers, e.g.:\n{string.Join("\n", undocumented.Take(5))}");
        await AssertUnharmedAsync(server, residentBefore);
    }

    /// <summary>Alive and serving, nothing logged at error level or above, no unhandled exception, memory bounded.</summary>
    private async Task AssertUnharmedAsync(MetricsServerProcess server, long residentBefore)
    {
        using (var process = System.Diagnostics.Process.GetProcessById(server.ProcessId))
            Assert.False(process.HasExited);
        using var channel = server.CreateChannel();
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var project = TestProject.Of(1);
        var control = new LogCustomMetricRequest { Metrics = { new MetricRecord { UserId = "u-control", IdType = "user_id", MetricName = "control", MetricValue = 1, Date = Day } } };
        Assert.Equal(1, (await new IngestService.IngestServiceClient(channel).LogCustomMetricAsync(control, ProjectKeys.Headers(project.IngestKey))).Accepted);
        var day = await new MetricsService.MetricsServiceClient(channel).GetMetricDayAsync(
            new GetMetricDayRequest { MetricName = "control", Date = Day }, ProjectKeys.Headers(project.ServerSecret));
        Assert.Equal(1, day.Overall.RowCount);

        var log = server.Output;
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.OrdinalIgnoreCase);
        var errors = log.Split('\n').Where(line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"the server logged {errors.Count} errors, e.g. {string.Join(" | ", errors.Take(3))}:\n{Tail(log)}");

        var resident = ResidentBytes(server.ProcessId);
        output.WriteLine($"server resident memory before the fuzzing {residentBefore >> 20} MiB, after it {resident >> 20} MiB");
        Assert.InRange(resident - residentBefore, long.MinValue, MaxResidentGrowthBytes);
    }

    private static IEnumerable<LogCustomMetricRequest> ValidRequests()
    {
        yield return new LogCustomMetricRequest
        {
            Metrics = { new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "revenue", MetricValue = 12.5, Date = Day } },
        };
        yield return new LogCustomMetricRequest
        {
            IsTest = true,
            IdempotencyKey = "fuzz-key",
            Metrics =
            {
                new MetricRecord { UserId = "1237", IdType = "user_id", MetricName = "test_metric", MetricValue = 90 },
                new MetricRecord { UserId = "4568", IdType = "stable_id", MetricName = "ratio", Numerator = 3, Denominator = 15, Date = Day },
            },
        };
        var many = new LogCustomMetricRequest();
        for (var i = 0; i < 20; i++)
            many.Metrics.Add(new MetricRecord { UserId = $"user-{i}-é😀", IdType = i % 2 == 0 ? "user_id" : "stable_id", MetricName = $"m{i % 3}", MetricValue = -i * 1.5, Date = Day });
        yield return many;
    }

    private static byte[][] ValidJsonBodies() =>
    [
        Encoding.UTF8.GetBytes("""{"isTest": true, "metrics": [{"user_id": "1237", "metric_name": "test_metric", "id_type": "user_id", "metric_value": 90}, {"user_id": "4568", "metric_name": "ratio", "id_type": "stable_id", "numerator": 3, "denominator": 15}]}"""),
        Encoding.UTF8.GetBytes("""{"idempotency_key": "k1", "metrics": [{"userId": "u1", "idType": "user_id", "metricName": "revenue", "metricValue": 12.5, "date": "2026-05-10"}]}"""),
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"timestamp": {{DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 86_400 * 30}}, "type": "metrics"}""")),
    ];

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient http, string route, string key, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("statsig-api-key", key);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A <c>google.rpc.Status</c> in JSON, as JSON transcoding writes its errors.</summary>
    private static bool IsRpcStatus(string body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("code", out var code) && code.TryGetInt32(out _);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>VmRSS of /proc/<paramref name="processId"/>/status.</summary>
    private static long ResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];
}
