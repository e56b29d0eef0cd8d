namespace Metrics.Domain.Health;

/// <summary>The data health checks run on each ingested metric-day, as Statsig runs them on ingested metrics.</summary>
public enum HealthCheckKind
{
    /// <summary>The day's unit count moved from the day before by more than the swing threshold.</summary>
    UnitsSwing,

    /// <summary>The day's sum (sum of numerators, for a ratio metric) moved from the day before by more than the swing threshold.</summary>
    SumSwing,

    /// <summary>One unit holds more than the unit-share threshold of the day's absolute values.</summary>
    UnitConcentration,

    /// <summary>The day has an ID type the metric never had on an earlier day.</summary>
    NewIdType,

    /// <summary>More than the rejected-share threshold of the records sent for the day were rejected.</summary>
    RejectedShare,
}
