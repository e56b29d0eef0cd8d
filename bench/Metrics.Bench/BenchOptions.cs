namespace Metrics.Bench;

/// <summary>What to run, at which size, and where the results go.</summary>
/// <param name="Scale">1.0 runs the issue's sizes; smaller values shrink record counts, units and durations.</param>
public sealed record BenchOptions(IReadOnlySet<string> Scenarios, double Scale, string OutputFile, string ServerAssembly, string RepositoryRoot)
{
    public static readonly IReadOnlyList<string> AllScenarios =
        ["FLOOR", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "IMPORT", "IMPORT_FILES", "CLI_UPLOAD", "CONSOLE", "TELEMETRY", "PEER", "SCALE", "REDIS_CLUSTER", "FAILOVER_KILL", "FAILOVER_REPLACE", "COLD_START"];

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    /// <summary>Scales <paramref name="full"/>, never below <paramref name="minimum"/>.</summary>
    public int Scaled(int full, int minimum) => Math.Max(minimum, (int)Math.Round(full * Scale));

    /// <summary>
    /// Parses <c>all</c> or a comma-separated list. S5 seals the day S1 writes, so asking for S5 runs S1 too.
    /// </summary>
    public static IReadOnlySet<string> ParseScenarios(string text, out string? error)
    {
        error = null;
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToUpperInvariant())
            .ToList();
        if (names.Count == 0 || names.Contains("ALL"))
            return AllScenarios.ToHashSet();
        var unknown = names.Where(n => !AllScenarios.Contains(n)).ToList();
        if (unknown.Count > 0)
            error = $"unknown scenario(s): {string.Join(", ", unknown)}; choose from {string.Join(",", AllScenarios)} or all";
        var selected = names.ToHashSet();
        if (selected.Contains("S5"))
            selected.Add("S1");
        return selected;
    }
}
