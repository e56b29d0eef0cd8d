using Google.Protobuf;
using Metrics.Domain;
using Metrics.Grains.MetricDays;

namespace Metrics.Storage.Redis;

/// <summary>
/// The two messages Redis holds millions of, <c>Row</c> and <c>Unit</c> of <c>protos/metrics/storage/v1/metric_day.proto</c>,
/// written straight from the grains' own types: the bytes protoc's generated code would write (fields in number
/// order, proto3 defaults left out), without an object per row or unit, each size computed once.
/// </summary>
internal static class StoredWire
{
    // Tags: field number << 3 | wire type (1 fixed 64-bit, 2 length-delimited, 0 varint).
    public const uint IdTypeTag = 1 << 3 | 2;
    public const uint UserIdTag = 2 << 3 | 2;
    public const uint ValueTag = 3 << 3 | 1;
    public const uint NumeratorTag = 4 << 3 | 1;
    public const uint DenominatorTag = 5 << 3 | 1;
    public const uint UnitRowsTag = 6 << 3;

    /// <summary>A message field's bytes beside the message: its one-byte tag and its length.</summary>
    public static int Framed(int messageSize) => 1 + CodedOutputStream.ComputeLengthSize(messageSize) + messageSize;

    public static int TextSize(string text) => text.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeStringSize(text);

    public static int RowSize(in UnitRow row) =>
        TextSize(row.IdType) + TextSize(row.UserId)
        + (row.Value.HasValue ? 9 : 0) + (row.Numerator.HasValue ? 9 : 0) + (row.Denominator.HasValue ? 9 : 0);

    public static void WriteRow(CodedOutputStream output, in UnitRow row)
    {
        WriteText(output, IdTypeTag, row.IdType);
        WriteText(output, UserIdTag, row.UserId);
        if (row.Value is { } value)
            WriteDouble(output, ValueTag, value);
        if (row.Numerator is { } numerator)
            WriteDouble(output, NumeratorTag, numerator);
        if (row.Denominator is { } denominator)
            WriteDouble(output, DenominatorTag, denominator);
    }

    /// <param name="idTypeSize">The ID type's <see cref="TextSize"/>: a day's units share a few ID types.</param>
    public static int UnitSize(in KeyValuePair<UnitKey, UnitTotals> unit, int idTypeSize)
    {
        var totals = unit.Value;
        return idTypeSize + TextSize(unit.Key.UserId)
            + (totals.Value != 0 ? 9 : 0) + (totals.Numerator != 0 ? 9 : 0) + (totals.Denominator != 0 ? 9 : 0)
            + (totals.Rows != 0 ? 1 + CodedOutputStream.ComputeInt64Size(totals.Rows) : 0);
    }

    public static void WriteUnit(CodedOutputStream output, in KeyValuePair<UnitKey, UnitTotals> unit)
    {
        var totals = unit.Value;
        WriteText(output, IdTypeTag, unit.Key.IdType);
        WriteText(output, UserIdTag, unit.Key.UserId);
        if (totals.Value != 0)
            WriteDouble(output, ValueTag, totals.Value);
        if (totals.Numerator != 0)
            WriteDouble(output, NumeratorTag, totals.Numerator);
        if (totals.Denominator != 0)
            WriteDouble(output, DenominatorTag, totals.Denominator);
        if (totals.Rows != 0)
        {
            output.WriteTag(UnitRowsTag);
            output.WriteInt64(totals.Rows);
        }
    }

    /// <summary>A string field, left out when empty.</summary>
    public static void WriteText(CodedOutputStream output, uint tag, string text)
    {
        if (text.Length == 0)
            return;
        output.WriteTag(tag);
        output.WriteString(text);
    }

    private static void WriteDouble(CodedOutputStream output, uint tag, double value)
    {
        output.WriteTag(tag);
        output.WriteDouble(value);
    }
}
