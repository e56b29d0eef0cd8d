using System.Text.RegularExpressions;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Metrics.Server.Tests;

/// <summary>
/// A hostile tenant floods a server of its own with 10,000-record requests that are each refused for one bad
/// record: the Logstream keeps one bounded entry per request, so the server's memory stays bounded
/// (figures in docs/reliability.md).
/// </summary>
public sealed partial class RefusedFloodTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 300;

    /// <summary>
    /// Far above what the flood costs now (about 100 MB), far below what it cost when a refused request was kept
    /// whole (2.4 GB more for 310 such requests).
    /// </summary>
    private const long MaxGrowthBytes = 600L * 1024 * 1024;

    private MetricsServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AFloodOfRefusedRequestsLeavesMemoryBounded()
    {
        var project = TestProject.Of(0);
        using var channel = _server.CreateChannel();
        var ingest = new IngestService.IngestServiceClient(channel);
        var headers = ProjectKeys.Headers(project.IngestKey);
        var request = new LogCustomMetricRequest();
        for (var i = 0; i < 10_000; i++)
            request.Metrics.Add(Ingesting.Record($"unit-{i:D6}", "flood", i, "2026-05-10", idType: i == 9_999 ? "userID" : "user_id"));

        await RefuseAsync(ingest, request, headers);
        var before = ResidentBytes();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            for (var i = 0; i < Requests / 4; i++)
                await RefuseAsync(ingest, request, headers);
        }));
        var after = ResidentBytes();

        output.WriteLine($"resident before {before / 1048576} MB, after {Requests} refused requests {after / 1048576} MB");
        Assert.True(after - before < MaxGrowthBytes, $"resident memory grew from {before / 1048576} MB to {after / 1048576} MB");
    }

    private static async Task RefuseAsync(IngestService.IngestServiceClient ingest, LogCustomMetricRequest request, Metadata headers)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ingest.LogCustomMetricAsync(request, headers).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    private long ResidentBytes()
    {
        var status = File.ReadAllText($"/proc/{_server.ProcessId}/status");
        return long.Parse(ResidentLine().Match(status).Groups[1].Value) * 1024;
    }

    [GeneratedRegex(@"VmRSS:\s+(\d+) kB")]
    private static partial Regex ResidentLine();
}
