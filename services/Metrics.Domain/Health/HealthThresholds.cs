namespace Metrics.Domain.Health;

/// <summary>
/// When a health check warns. <see cref="Swing"/>: a relative change day over day (0.5: up by more than half or down
/// by more than half); <see cref="UnitShare"/>: the largest unit's share, checked from <see cref="ConcentrationMinUnits"/>
/// units on (a day of three units is always concentrated); <see cref="RejectedShare"/>: rejected ÷ (rejected + stored rows).
/// </summary>
public sealed record HealthThresholds(double Swing = 0.5, double UnitShare = 0.5, int ConcentrationMinUnits = 10, double RejectedShare = 0.05)
{
    public static readonly HealthThresholds Default = new();

    /// <summary>A sentence naming the first threshold out of range, or null when all are valid.</summary>
    public string? Problem() =>
        !(Swing > 0) || double.IsInfinity(Swing) ? $"Swing must be a positive number, got {Swing}"
        : !(UnitShare > 0 && UnitShare <= 1) ? $"UnitShare must be above 0 and at most 1, got {UnitShare}"
        : ConcentrationMinUnits < 2 ? $"ConcentrationMinUnits must be at least 2, got {ConcentrationMinUnits}"
        : !(RejectedShare > 0 && RejectedShare <= 1) ? $"RejectedShare must be above 0 and at most 1, got {RejectedShare}"
        : null;
}
