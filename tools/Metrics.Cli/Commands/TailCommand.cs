using System.CommandLine;
using Grpc.Core;
using Metrics.Cli.Output;
using Metrics.Contracts.V1;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics tail</c>: the Logstream live, with its filters and the test and rejected toggles, until Ctrl+C.</summary>
internal static class TailCommand
{
    public static Command Create()
    {
        var metrics = new Option<string[]>("--metric") { Description = "Only this metric (repeat for more)", AllowMultipleArgumentsPerToken = false };
        var idTypes = new Option<string[]>("--id-type") { Description = "Only this ID type (repeat for more)" };
        var user = new Option<string?>("--user") { Description = "Only this unit ID" };
        var includeTest = new Option<bool>("--include-test") { Description = "Show test records too" };
        var includeRejected = new Option<bool>("--include-rejected") { Description = "Show rejected records too, with the reason" };
        var backlog = new Option<int>("--backlog") { Description = "First show up to this many of the most recent entries, 0–1000", DefaultValueFactory = _ => 0 };
        backlog.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 1000)
                r.AddError($"--backlog {r.GetValueOrDefault<int>()} is not 0–1000");
        });
        var after = new Option<string?>("--after") { Description = "Resume just after this cursor (an entry seen before)" };
        var count = new Option<int?>("--count") { Description = "Stop after this many entries" };
        var json = Arguments.Json("each entry, one a line,");
        var command = new Command("tail", "Watch the Logstream: every record as it arrives")
        {
            metrics, idTypes, user, includeTest, includeRejected, backlog, after, count, json,
        };
        CommandAction.Set(command, async (parse, cancellationToken) =>
        {
            var request = new SubscribeRequest
            {
                IncludeTest = parse.GetValue(includeTest),
                IncludeRejected = parse.GetValue(includeRejected),
                UserId = parse.GetValue(user) ?? "",
                Backlog = parse.GetValue(backlog),
                AfterCursor = parse.GetValue(after) ?? "",
            };
            request.MetricNames.AddRange(parse.GetValue(metrics) ?? []);
            request.IdTypes.AddRange(parse.GetValue(idTypes) ?? []);
            using var client = Connection.Client(parse);
            using var call = client.Logstream.Subscribe(request, cancellationToken: cancellationToken);
            var entries = Take(call.ResponseStream.ReadAllAsync(cancellationToken), parse.GetValue(count));
            await LogstreamView.ShowAsync(entries, parse.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async IAsyncEnumerable<LogstreamEntry> Take(IAsyncEnumerable<LogstreamEntry> entries, int? count)
    {
        var seen = 0;
        await foreach (var entry in entries)
        {
            yield return entry;
            if (++seen == count)
                yield break;
        }
    }
}
