using System.Collections.Concurrent;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Metrics.Testing;
using Xunit.Abstractions;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// A node of two is frozen (SIGSTOP) while the other serves: the calls that meet the lost node's grains wait until
/// the cluster declares it dead, then fail UNAVAILABLE in the product's words with a request ID — not with Orleans'
/// exception text — and the survivor logs the cause under that ID. (A killed node's calls fail over too quickly
/// for a test to meet them reliably; a frozen one holds them until it is declared dead. The calls carry no
/// idempotency key, so the node does not repeat them on the grains' new activations.)
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class NodeLossErrorTests(ITestOutputHelper output)
{
    private const int Projects = 40;
    private const string Day = "2026-08-14";
    private const int MaxMetrics = 20;

    [Fact]
    public async Task CallsMeetingALostNodeFailInTheProductsWords()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var survivor = await TestServers.StartOnRedisAsync(redis.ConnectionString, "node-loss");
        await using var lost = await TestServers.StartOnRedisAsync(redis.ConnectionString, "node-loss");
        using var throughSurvivor = new NodeClient(survivor);
        using var throughLost = new NodeClient(lost);
        using var lostAdmin = lost.CreateAdminClient();
        // Grains of every project activated through both nodes, half of the projects first through the node that is
        // lost. The placement weighs the nodes' load, so it may still put them all on the survivor: metrics are
        // added, each a new metric-day grain a project, until the node to be lost holds some.
        var metrics = new List<string>();
        while (metrics.Count < MaxMetrics && await MetricDayGrainsOnAsync(lostAdmin) == 0)
        {
            metrics.Add($"node_loss_{metrics.Count}");
            for (var p = 0; p < Projects; p++)
            {
                var (first, second) = p % 2 == 0 ? (throughLost, throughSurvivor) : (throughSurvivor, throughLost);
                await IngestAsync(first, p, metrics, "before-a");
                await IngestAsync(second, p, metrics, "before-b");
            }
        }
        var held = await MetricDayGrainsOnAsync(lostAdmin);
        output.WriteLine($"the node to be lost holds {held} metric-day grains, {metrics.Count} metrics a project");
        Assert.True(held > 0, $"no metric-day grain placed on the node to be lost after {MaxMetrics} metrics a project");

        lost.Pause();
        var failures = new ConcurrentQueue<RpcException>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (var round = 0; failures.IsEmpty && DateTime.UtcNow < deadline; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, Projects).Select(async p =>
            {
                try
                {
                    await IngestAsync(throughSurvivor, p, metrics, $"after-{round}");
                }
                catch (RpcException e)
                {
                    failures.Enqueue(e);
                }
            }));
        }

        output.WriteLine($"{failures.Count} calls failed, e.g. {failures.FirstOrDefault()?.Status}");
        Assert.NotEmpty(failures);
        Assert.All(failures, e => Assert.Equal(StatusCode.Unavailable, e.StatusCode));
        var requestIds = failures.Select(ClientErrors.AssertProductSentence).ToList();
        var cause = ClientErrors.LoggedCause(survivor.Output, requestIds[0]);
        output.WriteLine(cause);
        Assert.Contains("Exception", cause);
    }

    /// <summary>The metric-day grains active on a node, as its Orleans meter counts them: every ingest calls them.</summary>
    private static async Task<double> MetricDayGrainsOnAsync(HttpClient admin) =>
        (await Scrape.OfAsync(admin)).Value("orleans_catalog_activations", ("grain_type", "metricday")) ?? 0;

    private static Task IngestAsync(NodeClient node, int project, IEnumerable<string> metrics, string user) =>
        node.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest
            {
                Metrics = { metrics.Select(metric => new MetricRecord { UserId = user, IdType = "user_id", MetricName = metric, MetricValue = 1, Date = Day }) },
            },
            ProjectKeys.Headers(TestProject.Of(project).IngestKey),
            deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;
}
