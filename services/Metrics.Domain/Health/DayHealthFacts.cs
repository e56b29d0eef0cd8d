namespace Metrics.Domain.Health;

/// <summary>
/// What the health checks read of one metric-day: its production aggregate, the ID types it is the first day of
/// (on a metric that had earlier days), and the records sent for it that were rejected.
/// </summary>
public sealed record DayHealthFacts(Aggregate Overall, bool IsRatio, IReadOnlyList<string> NewIdTypes, long Rejected)
{
    /// <summary>What the sum checks look at: the sum, or for a ratio metric the sum of numerators.</summary>
    public double Total => IsRatio ? Overall.NumeratorSum : Overall.Sum;
}
