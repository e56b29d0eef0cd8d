using Metrics.Domain;

namespace Metrics.Grains.Serialization;

/// <summary>Lets the domain's <see cref="UnitKey"/> be stored and sent without the domain knowing Orleans.</summary>
[GenerateSerializer]
public struct UnitKeySurrogate
{
    [Id(0)] public string IdType;
    [Id(1)] public string UserId;
}

[RegisterConverter]
public sealed class UnitKeySurrogateConverter : IConverter<UnitKey, UnitKeySurrogate>
{
    public UnitKey ConvertFromSurrogate(in UnitKeySurrogate s) => new(s.IdType, s.UserId);

    public UnitKeySurrogate ConvertToSurrogate(in UnitKey k) => new() { IdType = k.IdType, UserId = k.UserId };
}

/// <summary>Lets the domain's <see cref="UnitTotals"/> be stored and sent without the domain knowing Orleans.</summary>
[GenerateSerializer]
public struct UnitTotalsSurrogate
{
    [Id(0)] public double Value;
    [Id(1)] public double Numerator;
    [Id(2)] public double Denominator;
    [Id(3)] public long Rows;
}

[RegisterConverter]
public sealed class UnitTotalsSurrogateConverter : IConverter<UnitTotals, UnitTotalsSurrogate>
{
    public UnitTotals ConvertFromSurrogate(in UnitTotalsSurrogate s) => new(s.Value, s.Numerator, s.Denominator, s.Rows);

    public UnitTotalsSurrogate ConvertToSurrogate(in UnitTotals t) =>
        new() { Value = t.Value, Numerator = t.Numerator, Denominator = t.Denominator, Rows = t.Rows };
}
