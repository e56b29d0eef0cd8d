using Metrics.Client;
using Metrics.Contracts.V1;

namespace Metrics.Cli.Tests;

/// <summary><c>metrics tail</c> outlives its node: in the Redis deployment it takes the Logstream up again after the last entry it showed.</summary>
public sealed class TailReconnectTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private static readonly string Day = PacificTime.DaysAgo(2);

    [Fact]
    public async Task A_tail_whose_node_is_killed_and_replaced_shows_what_is_ingested_after()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        var project = new ProjectKeys("tail");
        var settings = new Dictionary<string, string>(project.Settings)
        {
            ["Metrics:Redis"] = redis.ConnectionString,
            ["Metrics:Orleans:ClusterId"] = $"tail-{Guid.NewGuid():N}",
        };
        await using var node = await MetricsServerProcess.StartAsync(new MetricsServerOptions { ServerAssembly = RepositoryLayout.ServerAssembly(), Settings = settings });
        var options = new MetricsClientOptions { Url = node.GrpcAddress, ApiKey = project.ServerSecret };
        using (var client = new MetricsClient(options))
            await client.LogAsync([Record("before")]);
        await using var tail = CliProcess.Start(["tail", "--backlog", "10", "--url", node.GrpcAddress.ToString(), "--key", project.ServerSecret]);
        await tail.WaitForLineAsync(l => l.Contains("user_id=before"), Limit);

        await node.KillAsync();
        await node.StartAgainAsync();
        using (var client = new MetricsClient(options))
            await client.LogAsync([Record("after")]);

        await tail.WaitForLineAsync(l => l.Contains("user_id=after"), Limit);
        Assert.Contains("the Logstream was cut off", tail.Stderr);
        Assert.Single(tail.Stdout.Split('\n'), l => l.Contains("user_id=before"));
    }

    private static MetricRecord Record(string unit) => new() { UserId = unit, IdType = "user_id", MetricName = "cli_tail", MetricValue = 1, Date = Day };
}
