using System.CommandLine;
using Grpc.Core;
using Metrics.Cli.Output;
using Metrics.Contracts.V1;
using Spectre.Console;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics imports list|run|watch</c>: the project's warehouse imports, a run on request, a run's progress until it ends.</summary>
internal static class ImportsCommand
{
    public static Command Create() => new("imports", "The project's warehouse imports (server secret)") { List(), Run(), Watch() };

    private static Command List()
    {
        var json = Arguments.Json("the imports");
        var command = new Command("list", "List the imports, each with its last run") { json };
        CommandAction.Set(command, async (parse, cancellationToken) =>
        {
            using var client = Connection.Client(parse);
            var reply = await client.Imports.ListImportsAsync(new ListImportsRequest(), client.Unary(cancellationToken));
            if (parse.GetValue(json))
            {
                Console.WriteLine(ProtoJson.Format(reply));
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("import", "source", "query", "schedule", "last run");
            foreach (var import in reply.Imports)
                table.AddRow(Markup.Escape(import.ImportId), Markup.Escape(import.Source), Markup.Escape(import.Query),
                    import.Schedule.Length == 0 ? "on request" : Markup.Escape(import.Schedule),
                    import.LastRun is { } run ? Markup.Escape(ImportRunView.Summary(run)) : "never");
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Run()
    {
        var id = new Argument<string>("IMPORT") { Description = "The import's ID" };
        var from = Arguments.DateOption("--from", "The first Pacific day to load (default: the import's lookback)");
        var to = Arguments.DateOption("--to", "The last Pacific day to load (default: today)");
        var watch = new Option<bool>("--watch") { Description = "Follow the run until it ends; exit 1 if it fails" };
        var command = new Command("run", "Start a run of an import") { id, from, to, watch };
        CommandAction.Set(command, async (parse, cancellationToken) =>
        {
            using var client = Connection.Client(parse);
            var run = await client.Imports.RunImportAsync(
                new RunImportRequest { ImportId = parse.GetValue(id)!, FromDate = parse.GetValue(from) ?? "", ToDate = parse.GetValue(to) ?? "" },
                client.Unary(cancellationToken));
            Console.WriteLine($"started run {run.RunId} of {run.ImportId}");
            return parse.GetValue(watch) ? await FollowAsync(client, run.ImportId, run.RunId, cancellationToken) : ExitCodes.Success;
        });
        return command;
    }

    private static Command Watch()
    {
        var id = new Argument<string>("IMPORT") { Description = "The import's ID" };
        var runId = new Argument<string>("RUN") { Description = "The run's ID" };
        var command = new Command("watch", "Follow a run until it ends; exit 1 if it fails") { id, runId };
        CommandAction.Set(command, async (parse, cancellationToken) =>
        {
            using var client = Connection.Client(parse);
            return await FollowAsync(client, parse.GetValue(id)!, parse.GetValue(runId)!, cancellationToken);
        });
        return command;
    }

    private static async Task<int> FollowAsync(Client.MetricsClient client, string importId, string runId, CancellationToken cancellationToken)
    {
        using var call = client.Imports.WatchImportRun(new WatchImportRunRequest { ImportId = importId, RunId = runId }, cancellationToken: cancellationToken);
        ImportRun? last = null;
        await foreach (var run in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            last = run;
            Console.WriteLine(ImportRunView.Summary(run));
        }
        if (last is null)
            return ExitCodes.Refused;
        ImportRunView.PrintErrors(last);
        return last.Status == ImportRunStatus.Succeeded ? ExitCodes.Success : ExitCodes.Refused;
    }
}
