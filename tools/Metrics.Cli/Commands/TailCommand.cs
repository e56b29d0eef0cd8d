using System.CommandLine;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Metrics.Cli.Output;
using Metrics.Contracts.V1;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics tail</c>: the Logstream live, with its filters and the test and rejected toggles, until Ctrl+C.</summary>
internal static class TailCommand
{
    private const int MaxReconnects = 6;

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
            await LogstreamView.ShowAsync(Follow(client, request, parse.GetValue(count), cancellationToken), parse.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The entries, until <paramref name="count"/> of them or the end. A subscription cut off by <c>UNAVAILABLE</c> (the
    /// node it was on lost or restarted) is taken up again just after the last entry shown, on whichever node answers,
    /// up to <see cref="MaxReconnects"/> times in a row with a growing pause; an entry in between resets the count.
    /// </summary>
    private static async IAsyncEnumerable<LogstreamEntry> Follow(
        Client.MetricsClient client, SubscribeRequest request, int? count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = 0;
        var failures = 0;
        while (true)
        {
            using var call = client.Logstream.Subscribe(request, cancellationToken: cancellationToken);
            while (true)
            {
                try
                {
                    if (!await call.ResponseStream.MoveNext(cancellationToken))
                        yield break;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && ++failures <= MaxReconnects)
                {
                    var pause = TimeSpan.FromSeconds(1 << (failures - 1));
                    await Console.Error.WriteLineAsync($"the Logstream was cut off ({e.Status.Detail}); taking it up again in {pause.TotalSeconds:0} s");
                    await Task.Delay(pause, cancellationToken);
                    break;
                }
                var entry = call.ResponseStream.Current;
                failures = 0;
                (request.AfterCursor, request.Backlog) = (entry.Cursor, 0);
                yield return entry;
                if (++seen == count)
                    yield break;
            }
        }
    }
}
