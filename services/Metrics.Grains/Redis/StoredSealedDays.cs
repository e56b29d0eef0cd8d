using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Redis.Storage;

namespace Metrics.Grains.Redis;

/// <summary>Sealed metric-day snapshots in the form Redis keeps them: <c>protos/metrics/storage/v1/metric_day.proto</c>.</summary>
public static class StoredSealedDays
{
    public static byte[] Write(SealedMetricDay sealedDay)
    {
        var stored = new SealedDay
        {
            FinalizedAt = Timestamp.FromDateTimeOffset(sealedDay.FinalizedAt),
            Production = Write(sealedDay.Production),
            Test = Write(sealedDay.Test),
            IdempotencyKeys = { sealedDay.AppliedKeys },
            IdempotencyFingerprints = { sealedDay.AppliedFingerprints },
        };
        if (sealedDay.LastIngestedAt is { } lastIngestedAt)
            stored.LastIngestedAt = Timestamp.FromDateTimeOffset(lastIngestedAt);
        return stored.ToByteArray();
    }

    public static SealedMetricDay Read(byte[] bytes)
    {
        var stored = SealedDay.Parser.ParseFrom(bytes);
        return new SealedMetricDay(
            stored.FinalizedAt.ToDateTimeOffset(), stored.LastIngestedAt?.ToDateTimeOffset(), Read(stored.Production), Read(stored.Test),
            stored.IdempotencyKeys.ToArray(),
            // Snapshots sealed before fingerprints were kept have none: their keys match any request.
            stored.IdempotencyKeys.Select((_, i) => i < stored.IdempotencyFingerprints.Count ? stored.IdempotencyFingerprints[i] : "").ToArray());
    }

    private static Units Write(UnitSnapshot snapshot)
    {
        var units = new Units { IsRatio = snapshot.IsRatio };
        units.Units_.Capacity = snapshot.Units.Length;
        foreach (var (unit, totals) in snapshot.Units)
            units.Units_.Add(new Unit
            {
                IdType = unit.IdType,
                UserId = unit.UserId,
                Value = totals.Value,
                Numerator = totals.Numerator,
                Denominator = totals.Denominator,
                Rows = totals.Rows,
            });
        return units;
    }

    private static UnitSnapshot Read(Units stored) => new(
        stored.IsRatio,
        stored.Units_
            .Select(u => KeyValuePair.Create(new UnitKey(u.IdType, u.UserId), new UnitTotals(u.Value, u.Numerator, u.Denominator, u.Rows)))
            .ToArray());
}
