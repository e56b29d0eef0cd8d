namespace Metrics.Domain;

/// <summary>The running totals of one unit in one metric-day: values and ratio parts add up separately.</summary>
public readonly record struct UnitTotals(double Value, double Numerator, double Denominator, long Rows)
{
    public UnitTotals Add(Measurement m) =>
        new(Value + (m.Value ?? 0), Numerator + (m.Numerator ?? 0), Denominator + (m.Denominator ?? 0), Rows + 1);

    public UnitTotals Add(UnitTotals other) =>
        new(Value + other.Value, Numerator + other.Numerator, Denominator + other.Denominator, Rows + other.Rows);
}
