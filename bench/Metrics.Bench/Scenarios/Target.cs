using System.Globalization;

namespace Metrics.Bench.Scenarios;

/// <summary>A figure's target from the performance issue: at least or at most a threshold.</summary>
public sealed record Target(bool AtLeast, double Threshold)
{
    public static Target Min(double threshold) => new(true, threshold);

    public static Target Max(double threshold) => new(false, threshold);

    public bool IsMetBy(double value) => !double.IsNaN(value) && (AtLeast ? value >= Threshold : value <= Threshold);

    public override string ToString() =>
        $"{(AtLeast ? "≥" : "≤")} {Threshold.ToString(Threshold >= 1000 ? "N0" : "0.###", CultureInfo.InvariantCulture)}";
}
