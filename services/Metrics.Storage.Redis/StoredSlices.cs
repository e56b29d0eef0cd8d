using System.Buffers;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Metrics.Grains.MetricDays;
using Metrics.Storage.Redis.Storage;

namespace Metrics.Storage.Redis;

/// <summary>Metric slices in the form Redis keeps them: <c>protos/metrics/storage/v1/metric_day.proto</c>.</summary>
internal static class StoredSlices
{
    private const uint IdempotencyKeyTag = 1 << 3 | 2;
    private const uint IsTestTag = 2 << 3;
    private const uint IngestedAtTag = 3 << 3 | 2;
    private const uint RowTag = 4 << 3 | 2;
    private const uint RequestFingerprintTag = 5 << 3 | 2;

    /// <summary>A <see cref="Slice"/>'s bytes, written row by row through <see cref="StoredWire"/>.</summary>
    public static byte[] Write(MetricSlice slice)
    {
        var key = slice.IdempotencyKey ?? "";
        var ingestedAt = Timestamp.FromDateTimeOffset(slice.IngestedAt);
        var rows = slice.Rows;
        var rowSizes = ArrayPool<int>.Shared.Rent(rows.Length);
        try
        {
            var size = StoredWire.TextSize(key) + (slice.IsTest ? 2 : 0) + StoredWire.Framed(ingestedAt.CalculateSize())
                + StoredWire.TextSize(slice.RequestFingerprint);
            for (var i = 0; i < rows.Length; i++)
                size += StoredWire.Framed(rowSizes[i] = StoredWire.RowSize(rows[i]));

            var bytes = new byte[size];
            var output = new CodedOutputStream(bytes);
            StoredWire.WriteText(output, IdempotencyKeyTag, key);
            if (slice.IsTest)
            {
                output.WriteTag(IsTestTag);
                output.WriteBool(true);
            }
            output.WriteTag(IngestedAtTag);
            output.WriteMessage(ingestedAt);
            for (var i = 0; i < rows.Length; i++)
            {
                output.WriteTag(RowTag);
                output.WriteLength(rowSizes[i]);
                StoredWire.WriteRow(output, rows[i]);
            }
            StoredWire.WriteText(output, RequestFingerprintTag, slice.RequestFingerprint);
            output.CheckNoSpaceLeft();
            return bytes;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rowSizes);
        }
    }

    public static MetricSlice Read(byte[] bytes)
    {
        var stored = Slice.Parser.ParseFrom(bytes);
        var rows = new UnitRow[stored.Rows.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var row = stored.Rows[i];
            rows[i] = new UnitRow(row.IdType, row.UserId,
                row.HasValue ? row.Value : null, row.HasNumerator ? row.Numerator : null, row.HasDenominator ? row.Denominator : null);
        }
        return new MetricSlice(
            stored.IdempotencyKey.Length == 0 ? null : stored.IdempotencyKey, stored.IsTest, stored.IngestedAt.ToDateTimeOffset(), rows,
            stored.RequestFingerprint);
    }
}
