using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using Google.Protobuf;
using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Endpoints;

/// <summary>
/// Reads a <see cref="LogCustomMetricRequest"/> from its protobuf bytes as Google.Protobuf's parser does — the same
/// fields, the last value of a field winning, unknown fields skipped, the same bytes refused (cut short, a wrong
/// length, a malformed varint or group, invalid UTF-8) — but with the records' ID types, metric names and dates
/// shared: a value among the last four ASCII values of its field is given as the string made for it before
/// (others are decoded each time); and the list of records is sized once. A request of 10,000 records of one
/// metric and day makes 10,000 records and user ID strings, not 40,000 strings. Unknown fields are dropped:
/// nothing writes the request out again.
/// </summary>
internal static class LogCustomMetricRequestReader
{
    private const uint IsTestTag = (LogCustomMetricRequest.IsTestFieldNumber << 3) | Varint;
    private const uint MetricsTag = (LogCustomMetricRequest.MetricsFieldNumber << 3) | LengthDelimited;
    private const uint IdempotencyKeyTag = (LogCustomMetricRequest.IdempotencyKeyFieldNumber << 3) | LengthDelimited;
    private const uint UserIdTag = (MetricRecord.UserIdFieldNumber << 3) | LengthDelimited;
    private const uint IdTypeTag = (MetricRecord.IdTypeFieldNumber << 3) | LengthDelimited;
    private const uint MetricNameTag = (MetricRecord.MetricNameFieldNumber << 3) | LengthDelimited;
    private const uint MetricValueTag = (MetricRecord.MetricValueFieldNumber << 3) | Fixed64;
    private const uint NumeratorTag = (MetricRecord.NumeratorFieldNumber << 3) | Fixed64;
    private const uint DenominatorTag = (MetricRecord.DenominatorFieldNumber << 3) | Fixed64;
    private const uint DateTag = (MetricRecord.DateFieldNumber << 3) | LengthDelimited;

    private const uint Varint = (uint)WireFormat.WireType.Varint;
    private const uint Fixed64 = (uint)WireFormat.WireType.Fixed64;
    private const uint LengthDelimited = (uint)WireFormat.WireType.LengthDelimited;
    private const uint StartGroup = (uint)WireFormat.WireType.StartGroup;
    private const uint EndGroup = (uint)WireFormat.WireType.EndGroup;
    private const uint Fixed32 = (uint)WireFormat.WireType.Fixed32;

    /// <summary>Google.Protobuf's default recursion limit: groups nested deeper are refused.</summary>
    private const int MaxDepth = 100;

    /// <summary>The request in a call's payload; a payload that is not a valid message is answered <c>INVALID_ARGUMENT</c>.</summary>
    public static LogCustomMetricRequest Read(DeserializationContext context) => Read(context.PayloadAsReadOnlySequence());

    public static LogCustomMetricRequest Read(ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
            return Read(payload.FirstSpan);
        var length = checked((int)payload.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(buffer);
            return Read(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static LogCustomMetricRequest Read(ReadOnlySpan<byte> bytes)
    {
        var request = new LogCustomMetricRequest();
        request.Metrics.Capacity = CountRecords(bytes);
        var strings = new RecentStrings();
        var reader = new WireReader(bytes);
        while (!reader.AtEnd)
        {
            var tag = reader.ReadTag();
            switch (tag)
            {
                case IsTestTag:
                    request.IsTest = reader.ReadVarint() != 0;
                    break;
                case MetricsTag:
                    request.Metrics.Add(ReadRecord(reader.ReadLengthDelimited(), strings));
                    break;
                case IdempotencyKeyTag:
                    request.IdempotencyKey = Decode(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.SkipField(tag, depth: 0);
                    break;
            }
        }
        return request;
    }

    /// <summary>The records' fields in the request, so that their list is allocated once; the bytes are checked as far as the top level goes.</summary>
    private static int CountRecords(ReadOnlySpan<byte> bytes)
    {
        var count = 0;
        var reader = new WireReader(bytes);
        while (!reader.AtEnd)
        {
            var tag = reader.ReadTag();
            if (tag == MetricsTag)
            {
                reader.ReadLengthDelimited();
                count++;
            }
            else
            {
                reader.SkipField(tag, depth: 0);
            }
        }
        return count;
    }

    private static MetricRecord ReadRecord(ReadOnlySpan<byte> bytes, RecentStrings strings)
    {
        var record = new MetricRecord();
        var reader = new WireReader(bytes);
        while (!reader.AtEnd)
        {
            var tag = reader.ReadTag();
            switch (tag)
            {
                case UserIdTag:
                    record.UserId = Decode(reader.ReadLengthDelimited());
                    break;
                case IdTypeTag:
                    record.IdType = strings.IdTypes.Of(reader.ReadLengthDelimited());
                    break;
                case MetricNameTag:
                    record.MetricName = strings.MetricNames.Of(reader.ReadLengthDelimited());
                    break;
                case MetricValueTag:
                    record.MetricValue = reader.ReadDouble();
                    break;
                case NumeratorTag:
                    record.Numerator = reader.ReadDouble();
                    break;
                case DenominatorTag:
                    record.Denominator = reader.ReadDouble();
                    break;
                case DateTag:
                    record.Date = strings.Dates.Of(reader.ReadLengthDelimited());
                    break;
                default:
                    // A nested message counts one level towards the groups' limit, as in Google.Protobuf.
                    reader.SkipField(tag, depth: 1);
                    break;
            }
        }
        return record;
    }

    private static string Decode(ReadOnlySpan<byte> utf8) =>
        Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : throw Malformed();

    private static RpcException Malformed() => MalformedRequestBinder.NotAValidMessage(nameof(LogCustomMetricRequest));

    /// <summary>The last few ASCII strings of a field that a request's records repeat, kept to be given again.</summary>
    private sealed class RecentString
    {
        private readonly string?[] _recent = new string?[4];
        private int _next;

        public string Of(ReadOnlySpan<byte> utf8)
        {
            foreach (var known in _recent)
            {
                // Only an ASCII string equals its bytes char for char; others are decoded each time.
                if (known is not null && known.Length == utf8.Length && Ascii.Equals(utf8, known))
                    return known;
            }
            var decoded = Decode(utf8);
            _recent[_next] = decoded;
            _next = (_next + 1) % _recent.Length;
            return decoded;
        }
    }

    private sealed class RecentStrings
    {
        public RecentString IdTypes { get; } = new();

        public RecentString MetricNames { get; } = new();

        public RecentString Dates { get; } = new();
    }

    /// <summary>The protobuf wire format over one message's bytes.</summary>
    private ref struct WireReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public readonly bool AtEnd => _position == _bytes.Length;

        /// <summary>A field's tag: its number (not 0) and wire type; a varint's bits past 32 are ignored, as Google.Protobuf does.</summary>
        public uint ReadTag()
        {
            var tag = (uint)ReadVarint();
            return tag >> 3 == 0 ? throw Malformed() : tag;
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                if (_position == _bytes.Length)
                    throw Malformed();
                var b = _bytes[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                    return value;
            }
            throw Malformed();
        }

        public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        public ReadOnlySpan<byte> ReadLengthDelimited()
        {
            // A length is a 32-bit varint: a negative one is refused, as one past the message's end.
            var length = (int)(uint)ReadVarint();
            return length < 0 ? throw Malformed() : Take(length);
        }

        public void SkipField(uint tag, int depth)
        {
            switch (tag & 7)
            {
                case Varint:
                    ReadVarint();
                    break;
                case Fixed64:
                    Take(8);
                    break;
                case LengthDelimited:
                    ReadLengthDelimited();
                    break;
                case StartGroup:
                    SkipGroup(tag >> 3, depth + 1);
                    break;
                case Fixed32:
                    Take(4);
                    break;
                default:
                    // An end of group outside one, or wire type 6 or 7.
                    throw Malformed();
            }
        }

        private void SkipGroup(uint field, int depth)
        {
            if (depth > MaxDepth)
                throw Malformed();
            while (true)
            {
                var tag = ReadTag();
                if ((tag & 7) == EndGroup)
                {
                    if (tag >> 3 != field)
                        throw Malformed();
                    return;
                }
                SkipField(tag, depth);
            }
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _bytes.Length - _position)
                throw Malformed();
            var taken = _bytes.Slice(_position, count);
            _position += count;
            return taken;
        }
    }
}
