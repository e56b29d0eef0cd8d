using System.CommandLine;
using Metrics.Bench;
using Spectre.Console;

if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 150; // a log file or a pipe: do not wrap the table at 80 columns

var scenarios = new Option<string>("--scenarios")
{
    Description = $"Comma-separated scenarios to run, of {string.Join(",", BenchOptions.AllScenarios)}, or all (S5 also runs S1, whose day it seals).",
    DefaultValueFactory = _ => "all",
};
var scale = new Option<double>("--scale")
{
    Description = "Size of the run: 1.0 is the full size of the performance issue (a few minutes on 2 cores); 0.01 a smoke run of seconds.",
    DefaultValueFactory = _ => 1.0,
};
var output = new Option<string>("--out")
{
    Description = "Where to write the JSON summary; server and Redis logs go to a logs/ folder beside it.",
    DefaultValueFactory = _ => Path.Combine("bench", "results", "summary.json"),
};
var server = new Option<string?>("--server")
{
    Description = "The Metrics.Server.dll to run (default: the build of services/Metrics.Server in the harness's own configuration).",
};

var command = new RootCommand("Metrics benchmark harness: starts Redis and server nodes, runs the scenarios, prints a table and writes a JSON summary.")
{
    scenarios, scale, output, server,
};
command.SetAction(async (parse, _) =>
{
    var selected = BenchOptions.ParseScenarios(parse.GetValue(scenarios)!, out var error);
    if (error is not null)
    {
        Console.Error.WriteLine(error);
        return 2;
    }
    var size = parse.GetValue(scale);
    if (size is <= 0 or > 10)
    {
        Console.Error.WriteLine("--scale must be above 0 and at most 10");
        return 2;
    }
    return await BenchRun.RunAsync(new BenchOptions(
        selected, size, parse.GetValue(output)!, parse.GetValue(server) ?? RepositoryLayout.ServerAssembly(), RepositoryLayout.Root()));
});
return await command.Parse(args).InvokeAsync();
