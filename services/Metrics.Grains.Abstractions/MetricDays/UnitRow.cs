using Metrics.Domain;

namespace Metrics.Grains.MetricDays;

/// <summary>One row for one unit, as a metric-day grain receives it.</summary>
[GenerateSerializer, Immutable]
public readonly record struct UnitRow(string IdType, string UserId, double? Value, double? Numerator, double? Denominator)
{
    public UnitKey Unit => new(IdType, UserId);

    public Measurement Measurement => new(Value, Numerator, Denominator);
}
