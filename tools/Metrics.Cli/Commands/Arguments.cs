using System.CommandLine;
using System.CommandLine.Parsing;
using Metrics.Domain;

namespace Metrics.Cli.Commands;

/// <summary>Arguments and options several commands share, checked while parsing (a wrong one is a usage error).</summary>
internal static class Arguments
{
    public static Argument<string> Metric() => new("METRIC") { Description = "The metric's name" };

    public static Argument<string> Date(string name = "DATE")
    {
        var date = new Argument<string>(name) { Description = "A Pacific day, YYYY-MM-DD" };
        date.Validators.Add(CheckDate);
        return date;
    }

    public static Option<string?> DateOption(string name, string description)
    {
        var date = new Option<string?>(name) { Description = description };
        date.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !PacificDay.TryParse(text, out _))
                r.AddError($"{name} \"{text}\" is not a YYYY-MM-DD date");
        });
        return date;
    }

    public static Option<bool> Json(string what) => new("--json") { Description = $"Print {what} as JSON (proto3 JSON, the JSON API's shape)" };

    private static void CheckDate(ArgumentResult result)
    {
        var text = result.GetValueOrDefault<string>();
        if (!PacificDay.TryParse(text, out _))
            result.AddError($"{result.Argument.Name} \"{text}\" is not a YYYY-MM-DD date");
    }
}
