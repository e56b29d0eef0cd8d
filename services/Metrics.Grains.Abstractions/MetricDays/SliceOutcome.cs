namespace Metrics.Grains.MetricDays;

[GenerateSerializer]
public enum SliceOutcome
{
    Applied,
    AlreadyApplied,
    Sealed,
}
