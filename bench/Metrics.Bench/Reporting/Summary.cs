using System.Text.Json;
using System.Text.Json.Serialization;
using Metrics.Bench.Hosting;
using Metrics.Bench.Scenarios;

namespace Metrics.Bench.Reporting;

/// <summary>The JSON summary of a run: the machine, the options, and every scenario's figures.</summary>
public static class Summary
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task WriteAsync(
        string path, MachineInfo machine, BenchOptions options, DateTimeOffset started, TimeSpan elapsed, string loadAtStart,
        IReadOnlyList<ScenarioResult> results)
    {
        var summary = new
        {
            GeneratedAt = DateTimeOffset.UtcNow,
            StartedAt = started,
            TotalSeconds = Math.Round(elapsed.TotalSeconds, 1),
            options.Scale,
            Scenarios = options.Scenarios.Order(StringComparer.Ordinal).ToArray(),
            Machine = machine,
            LoadAverageAtStart = loadAtStart,
            LoadAverageAtEnd = LoadAverage.Read(),
            Results = results.Select(r => new
            {
                r.Id,
                r.Title,
                r.Status,
                r.Error,
                r.Seconds,
                Figures = r.Figures.Select(f => new
                {
                    f.Key,
                    f.Label,
                    Value = double.IsNaN(f.Value) ? (double?)null : Math.Round(f.Value, 4),
                    f.Unit,
                    Target = f.Target?.ToString(),
                    TargetKind = f.Target is null ? null : f.Target.AtLeast ? "at_least" : "at_most",
                    TargetValue = f.Target?.Threshold,
                    f.Pass,
                    RatioToFloor = f.RatioToFloor is { } ratio ? Math.Round(ratio, 4) : (double?)null,
                }),
                r.CoresUsed,
                r.Notes,
                r.Detail,
            }),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(summary, Json) + "\n");
    }
}
