using System.CommandLine;
using Metrics.Cli;
using Metrics.Cli.Commands;

StartupProfile.Start(args);
var root = new RootCommand("metrics: the command-line client of the Metrics service")
{
    UploadCommand.Create(),
    ReadyCommand.Create(),
    TailCommand.Create(),
    DayCommand.Create(),
    ExportCommand.Create(),
    ImportsCommand.Create(),
};
root.Options.Add(Connection.Url);
root.Options.Add(Connection.Key);

var parse = root.Parse(args);
var code = await parse.InvokeAsync();
// System.CommandLine answers 1 to a command line it cannot parse (after printing why and the help): that is a usage error.
return parse.Errors.Count > 0 ? ExitCodes.Usage : code;
