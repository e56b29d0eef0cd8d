using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Metrics.Grains.MetricDays;
using Metrics.Storage.Redis.Storage;

namespace Metrics.Storage.Redis;

/// <summary>Metric slices in the form Redis keeps them: <c>protos/metrics/storage/v1/metric_day.proto</c>.</summary>
internal static class StoredSlices
{
    public static byte[] Write(MetricSlice slice)
    {
        var stored = new Slice
        {
            IdempotencyKey = slice.IdempotencyKey ?? "",
            IsTest = slice.IsTest,
            IngestedAt = Timestamp.FromDateTimeOffset(slice.IngestedAt),
            RequestFingerprint = slice.RequestFingerprint,
        };
        stored.Rows.Capacity = slice.Rows.Length;
        foreach (var row in slice.Rows)
        {
            var storedRow = new Row { IdType = row.IdType, UserId = row.UserId };
            if (row.Value is { } value)
                storedRow.Value = value;
            if (row.Numerator is { } numerator)
                storedRow.Numerator = numerator;
            if (row.Denominator is { } denominator)
                storedRow.Denominator = denominator;
            stored.Rows.Add(storedRow);
        }
        return stored.ToByteArray();
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
