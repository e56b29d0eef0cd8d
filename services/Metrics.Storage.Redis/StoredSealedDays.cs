using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Storage.Redis.Storage;

namespace Metrics.Storage.Redis;

/// <summary>
/// Metric-day snapshots (sealed, or an open day's load) in the form Redis keeps them: <c>protos/metrics/storage/v1/metric_day.proto</c>, cut
/// into chunks of bounded size, each a <see cref="SealedDay"/> of its own. The first chunk carries the day's header;
/// merging the chunks in order (protobuf merges concatenated messages: repeated fields append) rebuilds the day.
/// </summary>
internal static class StoredSealedDays
{
    /// <summary>What a repeated field's element costs beside its bytes: its tag and a length prefix of up to 5 bytes.</summary>
    private const int ElementOverhead = 6;

    /// <summary>What the units' and keys' containers cost beside their elements, in the worst case.</summary>
    private const int ChunkOverhead = 2 * ElementOverhead;

    public static IReadOnlyList<byte[]> Write(MetricDaySnapshot sealedDay, int maxChunkBytes)
    {
        var chunks = new List<byte[]>();
        var current = new SealedDay
        {
            FinalizedAt = sealedDay.FinalizedAt is { } finalizedAt ? Timestamp.FromDateTimeOffset(finalizedAt) : null,
            Production = new Units { IsRatio = sealedDay.Production.IsRatio },
            Test = new Units { IsRatio = sealedDay.Test.IsRatio },
            SealVersion = sealedDay.SealVersion,
            RestatedAt = sealedDay.RestatedAt is { } restatedAt ? Timestamp.FromDateTimeOffset(restatedAt) : null,
            VersionCause = sealedDay.VersionCause ?? "",
            LoadedBy = sealedDay.LoadedBy ?? "",
            Loaded = sealedDay.Loaded is { } loaded
                ? new Storage.LoadFingerprint { Rows = loaded.Rows, ValueSum = loaded.ValueSum, NumeratorSum = loaded.NumeratorSum, DenominatorSum = loaded.DenominatorSum }
                : null,
        };
        if (sealedDay.LastIngestedAt is { } lastIngestedAt)
            current.LastIngestedAt = Timestamp.FromDateTimeOffset(lastIngestedAt);
        var size = current.CalculateSize() + ChunkOverhead;

        void Add(int elementSize, Action<SealedDay> add)
        {
            if (size + elementSize > maxChunkBytes && size > ChunkOverhead)
            {
                chunks.Add(current.ToByteArray());
                current = new SealedDay();
                size = ChunkOverhead;
            }
            add(current);
            size += elementSize;
        }

        foreach (var unit in sealedDay.Production.Units.Select(Write))
            Add(unit.CalculateSize() + ElementOverhead, c => (c.Production ??= new Units()).Units_.Add(unit));
        foreach (var unit in sealedDay.Test.Units.Select(Write))
            Add(unit.CalculateSize() + ElementOverhead, c => (c.Test ??= new Units()).Units_.Add(unit));
        // A key and its request's fingerprint go into the same chunk, so the two lists stay aligned when merged.
        foreach (var (key, fingerprint) in sealedDay.AppliedKeys.Zip(sealedDay.AppliedFingerprints))
            Add(CodedOutputStream.ComputeStringSize(key) + CodedOutputStream.ComputeStringSize(fingerprint) + 2 * ElementOverhead, c =>
            {
                c.IdempotencyKeys.Add(key);
                c.IdempotencyFingerprints.Add(fingerprint);
            });
        chunks.Add(current.ToByteArray());
        return chunks;
    }

    public static MetricDaySnapshot Read(IEnumerable<byte[]> chunks)
    {
        var stored = new SealedDay();
        foreach (var chunk in chunks)
            stored.MergeFrom(chunk);
        return new MetricDaySnapshot(
            stored.FinalizedAt?.ToDateTimeOffset(), stored.LastIngestedAt?.ToDateTimeOffset(), Read(stored.Production), Read(stored.Test),
            stored.IdempotencyKeys.ToArray(), stored.IdempotencyFingerprints.ToArray(),
            stored.SealVersion, stored.RestatedAt?.ToDateTimeOffset(),
            stored.LoadedBy.Length == 0 ? null : stored.LoadedBy,
            stored.Loaded is { } loaded ? new Grains.MetricDays.LoadFingerprint(loaded.Rows, loaded.ValueSum, loaded.NumeratorSum, loaded.DenominatorSum) : null,
            stored.VersionCause.Length == 0 ? null : stored.VersionCause);
    }

    private static Unit Write(KeyValuePair<UnitKey, UnitTotals> unit) => new()
    {
        IdType = unit.Key.IdType,
        UserId = unit.Key.UserId,
        Value = unit.Value.Value,
        Numerator = unit.Value.Numerator,
        Denominator = unit.Value.Denominator,
        Rows = unit.Value.Rows,
    };

    private static UnitSnapshot Read(Units stored) => new(
        stored.IsRatio,
        stored.Units_
            .Select(u => KeyValuePair.Create(new UnitKey(u.IdType, u.UserId), new UnitTotals(u.Value, u.Numerator, u.Denominator, u.Rows)))
            .ToArray());
}
