using Metrics.Domain;

namespace Metrics.Grains.Serialization;

/// <summary>Lets the domain's <see cref="Aggregate"/> cross grain boundaries without the domain knowing Orleans.</summary>
[GenerateSerializer]
public struct AggregateSurrogate
{
    [Id(0)] public string IdType;
    [Id(1)] public long UnitCount;
    [Id(2)] public long RowCount;
    [Id(3)] public double Sum;
    [Id(4)] public double Mean;
    [Id(5)] public double Variance;
    [Id(6)] public double NumeratorSum;
    [Id(7)] public double DenominatorSum;
    [Id(8)] public double Ratio;
}

[RegisterConverter]
public sealed class AggregateSurrogateConverter : IConverter<Aggregate, AggregateSurrogate>
{
    public Aggregate ConvertFromSurrogate(in AggregateSurrogate s) =>
        new(s.IdType, s.UnitCount, s.RowCount, s.Sum, s.Mean, s.Variance, s.NumeratorSum, s.DenominatorSum, s.Ratio);

    public AggregateSurrogate ConvertToSurrogate(in Aggregate a) => new()
    {
        IdType = a.IdType,
        UnitCount = a.UnitCount,
        RowCount = a.RowCount,
        Sum = a.Sum,
        Mean = a.Mean,
        Variance = a.Variance,
        NumeratorSum = a.NumeratorSum,
        DenominatorSum = a.DenominatorSum,
        Ratio = a.Ratio,
    };
}
