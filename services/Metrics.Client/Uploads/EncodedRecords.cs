using System.IO.Hashing;
using Google.Protobuf;
using Metrics.Contracts.V1;

namespace Metrics.Client.Uploads;

/// <summary>
/// Records serialized once, as the bytes of a <c>LogCustomMetricRequest</c>'s <c>metrics</c> field: each record's tag,
/// length and message. A request is its other fields' bytes followed by these (protobuf parses concatenated fields as
/// one message), so a chunk's records are measured and written once, for its key and its call alike.
/// </summary>
internal static class EncodedRecords
{
    private const int MetricsField = LogCustomMetricRequest.MetricsFieldNumber;

    /// <summary>The records' bytes; each record's own bytes (without its tag and length) are also appended to <paramref name="hash"/>, if given, in order.</summary>
    public static byte[] Of(IReadOnlyList<MetricRecord> records, NonCryptographicHashAlgorithm? hash = null)
    {
        var sizes = new int[records.Count];
        var total = 0;
        for (var i = 0; i < records.Count; i++)
        {
            sizes[i] = records[i].CalculateSize();
            total = checked(total + CodedOutputStream.ComputeTagSize(MetricsField) + CodedOutputStream.ComputeLengthSize(sizes[i]) + sizes[i]);
        }
        var bytes = new byte[total];
        var output = new CodedOutputStream(bytes);
        for (var i = 0; i < records.Count; i++)
        {
            output.WriteTag(MetricsField, WireFormat.WireType.LengthDelimited);
            output.WriteLength(sizes[i]);
            var start = (int)output.Position;
            records[i].WriteTo(output);
            hash?.Append(bytes.AsSpan(start, sizes[i]));
        }
        output.CheckNoSpaceLeft();
        return bytes;
    }
}
