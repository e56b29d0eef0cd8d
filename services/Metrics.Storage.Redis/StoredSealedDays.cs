using System.Buffers;
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

    private const uint ProductionTag = 3 << 3 | 2;
    private const uint TestTag = 4 << 3 | 2;
    private const uint IdempotencyKeyTag = 5 << 3 | 2;
    private const uint IdempotencyFingerprintTag = 6 << 3 | 2;
    private const uint IsRatioTag = 1 << 3;
    private const uint UnitTag = 2 << 3 | 2;

    /// <summary>
    /// The day's chunks: each element (a unit, a key with its fingerprint) goes into the current chunk while it fits
    /// in <paramref name="maxChunkBytes"/>, into a new one when not. Every unit's size is computed once, and the
    /// chunks are written straight from the snapshot's units, as protoc's generated code would write them.
    /// </summary>
    public static IReadOnlyList<byte[]> Write(MetricDaySnapshot day, int maxChunkBytes)
    {
        var (front, back) = Header(day);
        var production = UnitSizes(day.Production.Units);
        var test = UnitSizes(day.Test.Units);
        try
        {
            var chunks = new List<byte[]>();
            var keys = day.AppliedKeys;
            var fingerprints = day.AppliedFingerprints;
            var pairs = Math.Min(keys.Length, fingerprints.Length);
            // The header, and the two unit lists' fields holding only is_ratio, start the first chunk.
            var size = front.CalculateSize() + back.CalculateSize() + ChunkOverhead
                + UnitsFieldSize(day.Production.IsRatio) + UnitsFieldSize(day.Test.IsRatio);
            Cursor start = default, end = default;

            void Place(int elementSize)
            {
                if (size + elementSize > maxChunkBytes && size > ChunkOverhead)
                {
                    chunks.Add(WriteChunk(day, chunks.Count == 0 ? (front, back) : null, production, test, start, end));
                    start = end;
                    size = ChunkOverhead;
                }
                size += elementSize;
            }

            for (; end.Production < day.Production.Units.Length; end.Production++)
                Place(production[end.Production] + ElementOverhead);
            for (; end.Test < day.Test.Units.Length; end.Test++)
                Place(test[end.Test] + ElementOverhead);
            // A key and its request's fingerprint go into the same chunk, so the two lists stay aligned when merged.
            for (; end.Keys < pairs; end.Keys++)
                Place(CodedOutputStream.ComputeStringSize(keys[end.Keys]) + CodedOutputStream.ComputeStringSize(fingerprints[end.Keys]) + 2 * ElementOverhead);
            chunks.Add(WriteChunk(day, chunks.Count == 0 ? (front, back) : null, production, test, start, end));
            return chunks;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(production);
            ArrayPool<int>.Shared.Return(test);
        }
    }

    /// <summary>Where a chunk starts or ends in the day's production units, test units and keys.</summary>
    private struct Cursor
    {
        public int Production;
        public int Test;
        public int Keys;
    }

    /// <summary>The header's fields before the unit lists (1–2) and after the keys (7–11), as messages of their own.</summary>
    private static (SealedDay Front, SealedDay Back) Header(MetricDaySnapshot day)
    {
        var front = new SealedDay
        {
            FinalizedAt = day.FinalizedAt is { } finalizedAt ? Timestamp.FromDateTimeOffset(finalizedAt) : null,
            LastIngestedAt = day.LastIngestedAt is { } lastIngestedAt ? Timestamp.FromDateTimeOffset(lastIngestedAt) : null,
        };
        var back = new SealedDay
        {
            SealVersion = day.SealVersion,
            RestatedAt = day.RestatedAt is { } restatedAt ? Timestamp.FromDateTimeOffset(restatedAt) : null,
            VersionCause = day.VersionCause ?? "",
            LoadedBy = day.LoadedBy ?? "",
            Loaded = day.Loaded is { } loaded
                ? new Storage.LoadFingerprint { Rows = loaded.Rows, ValueSum = loaded.ValueSum, NumeratorSum = loaded.NumeratorSum, DenominatorSum = loaded.DenominatorSum }
                : null,
        };
        return (front, back);
    }

    /// <summary>A unit list's field in the first chunk before its units: its tag, its length, and is_ratio when set.</summary>
    private static int UnitsFieldSize(bool isRatio) => StoredWire.Framed(isRatio ? 2 : 0);

    private static int[] UnitSizes(KeyValuePair<UnitKey, UnitTotals>[] units)
    {
        var sizes = ArrayPool<int>.Shared.Rent(units.Length);
        string? idType = null;
        var idTypeSize = 0;
        for (var i = 0; i < units.Length; i++)
        {
            if (!ReferenceEquals(units[i].Key.IdType, idType))
                idTypeSize = StoredWire.TextSize(idType = units[i].Key.IdType);
            sizes[i] = StoredWire.UnitSize(units[i], idTypeSize);
        }
        return sizes;
    }

    /// <param name="header">The header's two parts, for the first chunk; null for the others.</param>
    private static byte[] WriteChunk(
        MetricDaySnapshot day, (SealedDay Front, SealedDay Back)? header, int[] production, int[] test, Cursor start, Cursor end)
    {
        var first = header is not null;
        var productionSize = UnitsSize(first && day.Production.IsRatio, production, start.Production, end.Production);
        var testSize = UnitsSize(first && day.Test.IsRatio, test, start.Test, end.Test);
        var writesProduction = first || end.Production > start.Production;
        var writesTest = first || end.Test > start.Test;
        var size = (writesProduction ? StoredWire.Framed(productionSize) : 0) + (writesTest ? StoredWire.Framed(testSize) : 0);
        for (var i = start.Keys; i < end.Keys; i++)
            size += 2 + CodedOutputStream.ComputeStringSize(day.AppliedKeys[i]) + CodedOutputStream.ComputeStringSize(day.AppliedFingerprints[i]);
        if (header is var (front, back))
            size += front.CalculateSize() + back.CalculateSize();

        var bytes = new byte[size];
        var output = new CodedOutputStream(bytes);
        if (header is not null)
            output.WriteRawMessage(header.Value.Front);
        if (writesProduction)
            WriteUnits(output, ProductionTag, productionSize, first && day.Production.IsRatio, day.Production.Units, production, start.Production, end.Production);
        if (writesTest)
            WriteUnits(output, TestTag, testSize, first && day.Test.IsRatio, day.Test.Units, test, start.Test, end.Test);
        for (var i = start.Keys; i < end.Keys; i++)
        {
            output.WriteTag(IdempotencyKeyTag);
            output.WriteString(day.AppliedKeys[i]);
        }
        for (var i = start.Keys; i < end.Keys; i++)
        {
            output.WriteTag(IdempotencyFingerprintTag);
            output.WriteString(day.AppliedFingerprints[i]);
        }
        if (header is not null)
            output.WriteRawMessage(header.Value.Back);
        output.CheckNoSpaceLeft();
        return bytes;
    }

    private static int UnitsSize(bool isRatio, int[] sizes, int from, int to)
    {
        var size = isRatio ? 2 : 0;
        for (var i = from; i < to; i++)
            size += StoredWire.Framed(sizes[i]);
        return size;
    }

    private static void WriteUnits(
        CodedOutputStream output, uint tag, int size, bool isRatio, KeyValuePair<UnitKey, UnitTotals>[] units, int[] sizes, int from, int to)
    {
        output.WriteTag(tag);
        output.WriteLength(size);
        if (isRatio)
        {
            output.WriteTag(IsRatioTag);
            output.WriteBool(true);
        }
        for (var i = from; i < to; i++)
        {
            output.WriteTag(UnitTag);
            output.WriteLength(sizes[i]);
            StoredWire.WriteUnit(output, units[i]);
        }
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

    private static UnitSnapshot Read(Units stored) => new(
        stored.IsRatio,
        stored.Units_
            .Select(u => KeyValuePair.Create(new UnitKey(u.IdType, u.UserId), new UnitTotals(u.Value, u.Numerator, u.Denominator, u.Rows)))
            .ToArray());
}
