using System.CommandLine;
using System.Globalization;
using Metrics.Cli.Output;
using Metrics.Contracts.V1;
using Metrics.Domain;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics ready --through YYYY-MM-DD</c> or <c>--timestamp T</c>: <c>MarkDataReady</c>, sealing the days before it.</summary>
internal static class ReadyCommand
{
    public static Command Create()
    {
        var through = Arguments.DateOption("--through", "Every metric through this Pacific day is uploaded: the watermark moves to its end (the next Pacific midnight)");
        var timestamp = new Option<string?>("--timestamp") { Description = "Every metric before this time is uploaded: unix seconds, or an ISO 8601 time with its offset" };
        timestamp.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && ParseTimestamp(text) is null)
                r.AddError($"--timestamp \"{text}\" is neither unix seconds nor an ISO 8601 time with an offset (2026-01-02T08:00:00Z)");
        });
        var type = new Option<string>("--type") { Description = "The watermark's type", DefaultValueFactory = _ => "metrics" };
        var json = Arguments.Json("the answer");
        var command = new Command("ready", "Mark data ready: move the watermark, sealing every day that ends before it") { through, timestamp, type, json };
        command.Validators.Add(r =>
        {
            if ((r.GetResult(through) is null) == (r.GetResult(timestamp) is null))
                r.AddError("give one of --through YYYY-MM-DD and --timestamp T");
        });
        CommandAction.Set(command, async (parse, cancellationToken) =>
        {
            var seconds = parse.GetValue(through) is { } day
                ? PacificDay.Parse(day).EndUnixSeconds
                : ParseTimestamp(parse.GetValue(timestamp)!)!.Value;
            using var client = Connection.Client(parse);
            var reply = await client.Readiness.MarkDataReadyAsync(
                new MarkDataReadyRequest { Timestamp = seconds, Type = parse.GetValue(type)! }, client.Unary(cancellationToken));
            Console.WriteLine(parse.GetValue(json)
                ? ProtoJson.Format(reply)
                : $"watermark {reply.Watermark} ({DateTimeOffset.FromUnixTimeSeconds(reply.Watermark):u}); sealed: " +
                  (reply.FinalizedDates.Count == 0 ? "no day holding data" : string.Join(", ", reply.FinalizedDates)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static long? ParseTimestamp(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds
        : DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture,
            DateTimeStyles.None, out var time) && text.Length > 19 && (text.EndsWith('Z') || text[^6] is '+' or '-')
            ? time.ToUnixTimeSeconds()
            : null;
}
