namespace Metrics.Domain;

/// <summary>The running totals of one unit in one metric-day: values and ratio parts add up separately.</summary>
public readonly record struct UnitTotals(double Value, double Numerator, double Denominator, long Rows)
{
    /// <summary>What one row adds to its unit.</summary>
    public static UnitTotals Of(Measurement m) => new(m.Value ?? 0, m.Numerator ?? 0, m.Denominator ?? 0, 1);

    public UnitTotals Add(UnitTotals other) =>
        new(Value + other.Value, Numerator + other.Numerator, Denominator + other.Denominator, Rows + other.Rows);
}
