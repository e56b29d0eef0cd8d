using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;

namespace Metrics.Grains.Ingestion;

/// <summary>How one metric-day's slice of a request ended: <see cref="SliceOutcome.Sealed"/> is the only refusal.</summary>
public readonly record struct SliceResult(MetricDayRef MetricDay, int Rows, SliceOutcome Outcome)
{
    public bool Stored => Outcome != SliceOutcome.Sealed;
}
