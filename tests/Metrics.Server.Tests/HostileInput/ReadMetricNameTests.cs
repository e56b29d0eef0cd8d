using System.Net;
using System.Text;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.HostileInput;

/// <summary>
/// The reads that look a metric up by name take only names the ingest rules admit: any other (too long, with a
/// control character, "." or "..") is INVALID_ARGUMENT on <c>metric_name</c> before it keys a grain, with an error
/// that stays small however long the name, over gRPC and JSON.
/// </summary>
public sealed class ReadMetricNameTests
{
    private const string Day = "2026-05-10";

    /// <summary>Far below what gRPC clients accept in trailers (about 8 KiB).</summary>
    private const int MaxErrorBytes = 1024;

    private static readonly Dictionary<string, string> BadNames = new()
    {
        ["129 characters"] = new string('m', 129),
        ["1 MB"] = new string('m', 1 << 20),
        ["a control character"] = "m\u0001x",
        ["."] = ".",
        [".."] = "..",
    };

    public enum Read
    {
        GetMetricDay,
        ExportMetricDay,
        ListMetricDayVersions,
        GetMetricSeries,
    }

    public static TheoryData<Read, string> Cases()
    {
        var cases = new TheoryData<Read, string>();
        foreach (var read in Enum.GetValues<Read>())
            foreach (var name in BadNames.Keys)
                cases.Add(read, name);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ANameNoRecordCouldHaveIsInvalidArgumentOverGrpc(Read read, string name)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(server, read, BadNames[name], ProjectKeys.Headers(project.ServerSecret)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("metric_name", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Contains("metric_name", error.Status.Detail);
        Assert.True(Encoding.UTF8.GetByteCount(error.Status.Detail) <= MaxErrorBytes, $"a message of {error.Status.Detail.Length} characters");
    }

    [Theory]
    [InlineData("v1/metrics/{0}/days/" + Day)]
    [InlineData("v1/metrics/{0}/days/" + Day + "/units")]
    [InlineData("v1/metrics/{0}/days/" + Day + "/versions")]
    [InlineData("v1/metrics/{0}/days?from=" + Day + "&to=" + Day)]
    public async Task ANameNoRecordCouldHaveIsInvalidArgumentOverJson(string route)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        // A name just over the limit, one nearly as long as a request line may be (Kestrel's limit is 8 KiB), one with a control character.
        foreach (var name in (string[])[new string('m', 129), new string('m', 6000), "m%01x"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, string.Format(route, name));
            request.Headers.Add("statsig-api-key", project.ServerSecret);
            using var response = await server.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
            Assert.True(Encoding.UTF8.GetByteCount(body) <= MaxErrorBytes, $"an error of {body.Length} characters");
            using var status = JsonDocument.Parse(body);
            Assert.Equal(3, status.RootElement.GetProperty("code").GetInt32());
            var violations = status.RootElement.GetProperty("details").EnumerateArray().SelectMany(d => d.GetProperty("fieldViolations").EnumerateArray());
            Assert.Equal("metric_name", Assert.Single(violations).GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task ANameOf128CharactersIsLookedUp()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            CallAsync(server, Read.GetMetricDay, new string('m', 128), ProjectKeys.Headers(project.ServerSecret)));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    private static async Task CallAsync(SharedServer server, Read read, string name, Metadata headers)
    {
        switch (read)
        {
            case Read.GetMetricDay:
                await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = name, Date = Day }, headers);
                break;
            case Read.ExportMetricDay:
                using (var export = server.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = name, Date = Day }, headers))
                    await export.ResponseStream.MoveNext(CancellationToken.None);
                break;
            case Read.ListMetricDayVersions:
                await server.Metrics.ListMetricDayVersionsAsync(new ListMetricDayVersionsRequest { MetricName = name, Date = Day }, headers);
                break;
            case Read.GetMetricSeries:
                await server.Metrics.GetMetricSeriesAsync(new GetMetricSeriesRequest { MetricName = name, From = Day, To = Day }, headers);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(read), read, null);
        }
    }
}
