namespace Metrics.Bench.Scenarios;

public enum ScenarioStatus
{
    /// <summary>Ran to the end; its figures are complete (whether or not they meet their targets).</summary>
    Completed,

    /// <summary>Cut short by its time limit; its figures cover the part that ran.</summary>
    TimedOut,

    /// <summary>Stopped by an error; figures gathered before it are kept.</summary>
    Failed,
}

/// <summary>One measured figure of a scenario.</summary>
/// <param name="Key">Stable machine name, e.g. <c>records_per_second</c>.</param>
/// <param name="Label">What the table shows.</param>
/// <param name="RatioToFloor">For throughput figures: the figure over the floor's records/s of the same run.</param>
public sealed record Figure(string Key, string Label, double Value, string Unit, Target? Target = null, double? RatioToFloor = null)
{
    public bool? Pass => Target?.IsMetBy(Value);
}

/// <summary>A scenario's outcome: its figures, how it ended, and the CPU each process used meanwhile.</summary>
public sealed class ScenarioResult(string id, string title)
{
    public string Id { get; } = id;

    public string Title { get; } = title;

    public ScenarioStatus Status { get; set; } = ScenarioStatus.Completed;

    public string? Error { get; set; }

    public double Seconds { get; set; }

    public List<Figure> Figures { get; } = [];

    /// <summary>Average cores used by each process (server nodes, redis, the harness) during the scenario.</summary>
    public IReadOnlyDictionary<string, double> CoresUsed { get; set; } = new Dictionary<string, double>();

    public List<string> Notes { get; } = [];

    /// <summary>Extra structured detail for the JSON summary (e.g. the Logstream's steps).</summary>
    public object? Detail { get; set; }

    public Figure Add(Figure figure)
    {
        Figures.Add(figure);
        return figure;
    }

    public double? Value(string key) => Figures.FirstOrDefault(f => f.Key == key)?.Value;
}
