using Metrics.Contracts.V1;

namespace Metrics.Cli.Tests;

/// <summary><c>metrics tail</c>: the Logstream live, with its filters and toggles, off a terminal a line an entry.</summary>
[Collection(CliCollection.Name)]
public sealed class TailTests(CliServer cli)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static readonly string Day = PacificTime.DaysAgo(2);

    [Fact]
    public async Task Tail_prints_an_entry_ingested_after_it_started()
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        await client.LogAsync([Record("before", 1)]);
        await using var tail = CliProcess.Start(["tail", "--backlog", "10", .. cli.Connect(project.ServerSecret)]);
        // The backlog's entry shows the subscription is live; what follows was ingested after it.
        await tail.WaitForLineAsync(l => l.Contains("user_id=before"), Limit);

        await client.LogAsync([Record("after", 12.5)]);

        var line = await tail.WaitForLineAsync(l => l.Contains("user_id=after"), Limit);
        Assert.Matches($@"^\d{{4}}-\d\d-\d\dT[\d:.]+Z accepted cli_tail user_id=after value=12\.5 date={Day}$", line);
    }

    [Fact]
    public async Task Tail_stopped_as_by_Ctrl_C_ends_with_exit_code_0_and_no_error()
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        await client.LogAsync([Record("before", 1)]);
        await using var tail = CliProcess.Start(["tail", "--backlog", "10", .. cli.Connect(project.ServerSecret)]);
        await tail.WaitForLineAsync(l => l.Contains("user_id=before"), Limit);

        tail.Terminate();
        var result = await tail.WaitAsync(Limit);

        Assert.True(result.ExitCode == 0 && result.Stderr.Length == 0, result.ToString());
    }

    [Fact]
    public async Task Test_and_rejected_records_show_only_when_asked_and_are_marked()
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        await client.LogAsync([Record("prod", 1)]);
        await client.LogAsync([Record("test", 2)], isTest: true);
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.LogAsync([Record("wrong", 3, idType: "userID")]));

        var hidden = await cli.RunAsync(project.ServerSecret, "tail", "--backlog", "10", "--count", "1");
        var shown = await cli.RunAsync(project.ServerSecret, "tail", "--backlog", "10", "--count", "3", "--include-test", "--include-rejected");

        Assert.True(hidden.ExitCode == 0, hidden.ToString());
        Assert.Contains("user_id=prod", hidden.Stdout);
        Assert.DoesNotContain("test", hidden.Stdout);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("accepted cli_tail user_id=test value=2 date=" + Day + " [test]", shown.Stdout);
        Assert.Matches(@"rejected cli_tail userID=wrong value=3 date=\S+ reason: .*userID", shown.Stdout);
    }

    [Fact]
    public async Task Filters_and_json_give_the_entries_the_api_would()
    {
        var project = cli.NewProject();
        using var client = cli.Client(project);
        await client.LogAsync([Record("a", 1), Record("b", 2, metric: "cli_other")]);

        var result = await cli.RunAsync(project.ServerSecret, "tail", "--backlog", "10", "--metric", "cli_other", "--count", "1", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var entry = LogstreamEntry.Parser.ParseJson(result.Stdout.Trim());
        Assert.Equal(("cli_other", "b", 2.0, EntryStatus.Accepted), (entry.MetricName, entry.UserId, entry.MetricValue, entry.Status));
    }

    private static MetricRecord Record(string unit, double value, string idType = "user_id", string metric = "cli_tail") =>
        new() { UserId = unit, IdType = idType, MetricName = metric, MetricValue = value, Date = Day };
}
