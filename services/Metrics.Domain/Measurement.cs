namespace Metrics.Domain;

/// <summary>What one row says about one unit: a value, or a numerator and denominator pair.</summary>
public readonly record struct Measurement(double? Value, double? Numerator, double? Denominator)
{
    public bool IsRatio => Numerator.HasValue && Denominator.HasValue;
}
