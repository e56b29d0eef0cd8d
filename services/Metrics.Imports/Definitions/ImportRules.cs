using System.Globalization;
using System.Text.RegularExpressions;
using Metrics.Domain;

namespace Metrics.Imports.Definitions;

/// <summary>What makes an import definition and a run's window valid; each problem names its field.</summary>
public static partial class ImportRules
{
    public const int MaxLookbackDays = 366;

    /// <summary>The most days one run may cover.</summary>
    public const int MaxRunDays = 366;

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex ImportIdPattern();

    /// <summary>Why no import can have <paramref name="importId"/> (quoted cut short), or null.</summary>
    public static string? ImportIdProblem(string importId) => ImportIdPattern().IsMatch(importId)
        ? null
        : $"import_id must be 1 to 64 of a-z, 0-9, '_' and '-', got \"{ViolationReport.Shorten(importId)}\"";

    public static IEnumerable<(string Field, string Problem)> Check(ImportDefinition definition, Func<string, bool> sourceExists)
    {
        if (ImportIdProblem(definition.ImportId) is { } importIdProblem)
            yield return ("import.import_id", importIdProblem);
        if (definition.Source.Length == 0)
            yield return ("import.source", "source is required: the name of a source configured for the project");
        else if (!sourceExists(definition.Source))
            yield return ("import.source", $"no source \"{definition.Source}\" is configured for the project (Metrics:Projects:<project>:Sources:{definition.Source})");
        if (string.IsNullOrWhiteSpace(definition.Query))
            yield return ("import.query", "query is required: SQL for a postgres source, a path or glob under Root for a files source");
        if (definition.Schedule.Length > 0 && ImportSchedule.Parse(definition.Schedule) is null)
            yield return ("import.schedule", $"schedule must be empty or daily@HH:MM (Pacific time, 24-hour), got \"{definition.Schedule}\"");
        if (definition.LookbackDays is < 1 or > MaxLookbackDays)
            yield return ("import.lookback_days", $"lookback_days must be 1 to {MaxLookbackDays} (0 means {ImportDefinition.DefaultLookbackDays}), got {definition.LookbackDays}");
        if (!double.IsFinite(definition.RestateThreshold) || definition.RestateThreshold < 0)
            yield return ("import.restate_threshold", $"restate_threshold must be a finite number of at least 0, got {definition.RestateThreshold.ToString(CultureInfo.InvariantCulture)}");
        if (definition.MaxRejectedRows < 0)
            yield return ("import.max_rejected_rows", $"max_rejected_rows must not be negative, got {definition.MaxRejectedRows}");
    }

    /// <summary>
    /// The inclusive window of a run: the days given, else the <c>lookback_days</c> days that end yesterday (Pacific).
    /// Returns the problem instead when the days are malformed, reversed, in the future or too many.
    /// </summary>
    public static (PacificDay From, PacificDay To)? Window(string from, string to, int lookbackDays, PacificDay today, out (string Field, string Problem)? problem)
    {
        problem = null;
        var yesterday = today.Previous;
        PacificDay last = yesterday, first;
        if (to.Length > 0 && !PacificDay.TryParse(to, out last))
            problem = ("to_date", $"to_date must be YYYY-MM-DD, got \"{to}\"");
        else if (from.Length > 0 && !PacificDay.TryParse(from, out first))
            problem = ("from_date", $"from_date must be YYYY-MM-DD, got \"{from}\"");
        else
        {
            first = from.Length > 0 ? PacificDay.Parse(from) : new PacificDay(last.Date.AddDays(1 - lookbackDays));
            if (last > today)
                problem = ("to_date", $"to_date {last} is after today ({today}, Pacific)");
            else if (first > last)
                problem = ("from_date", $"from_date {first} is after to_date {last}");
            else if (last.Date.DayNumber - first.Date.DayNumber + 1 > MaxRunDays)
                problem = ("from_date", $"a run covers at most {MaxRunDays} days, {first} to {last} is {last.Date.DayNumber - first.Date.DayNumber + 1}");
            else
                return (first, last);
        }
        return null;
    }
}
