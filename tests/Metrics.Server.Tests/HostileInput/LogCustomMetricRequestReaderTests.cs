using System.Buffers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Endpoints;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.HostileInput;

/// <summary>
/// The server's own reader of <c>LogCustomMetric</c> requests against Google.Protobuf's parser, on the same bytes:
/// seeded random messages with unknown fields of every wire type, groups, fields repeated or sent with the wrong
/// wire type, non-ASCII and invalid UTF-8 strings, then each cut short, with a byte changed, and random bytes. Both
/// refuse the same inputs and read the same request from the others.
/// </summary>
public sealed class LogCustomMetricRequestReaderTests
{
    private static readonly string[] Strings = ["", "u-1", "user_id", "stable_id", "revenue", "2026-08-14", "ü", "日本語", "😀 x", "a\u0000b", new string('x', 300)];

    private static readonly byte[][] InvalidUtf8 = [[0xFF], [0x75, 0xFF, 0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x61, 0x80], [0xF0, 0x9F, 0x98]];

    [Theory]
    [InlineData(20261207)]
    [InlineData(1)]
    [InlineData(42)]
    public void ReadsWhatGoogleProtobufReadsAndRefusesWhatItRefuses(int seed)
    {
        var random = new Random(seed);
        var refused = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = RandomRequest(random);
            refused += AssertSameReading(bytes, random) ? 0 : 1;
            AssertSameReading(bytes[..random.Next(bytes.Length + 1)], random);
            if (bytes.Length > 0)
            {
                var changed = (byte[])bytes.Clone();
                changed[random.Next(changed.Length)] = (byte)random.Next(256);
                AssertSameReading(changed, random);
            }
            var noise = new byte[random.Next(64)];
            random.NextBytes(noise);
            AssertSameReading(noise, random);
        }
        // Both kinds of input were met: the random messages are not all valid, nor all refused.
        Assert.InRange(refused, 100, 4_900);
    }

    /// <summary>Bytes a message writer does not make: varints padded to ten bytes or wrapping past 32 bits, lengths with the sign bit, groups at the depth limit.</summary>
    [Theory]
    [InlineData("08808080808080808001")] // is_test as a ten-byte varint of 2^63: true
    [InlineData("0880808080808080808001")] // an eleven-byte varint
    [InlineData("928080801000")] // a tag past 2^32 whose low 32 bits are the records' field: an empty record
    [InlineData("920000")] // the records' tag padded to two bytes
    [InlineData("12FFFFFFFF0F")] // a length with the sign bit
    [InlineData("128080808010")] // a length of 2^32, read as 32 bits: 0
    [InlineData("8080808010")] // field number 0 past 32 bits
    [InlineData("12010C")] // an end of group inside a record
    [InlineData("0C")] // an end of group at the top level
    [InlineData("0F")] // wire type 7
    [InlineData("120A0A0375FFFE")] // a record cut inside a string
    [InlineData("12090A0175210000000000")] // a record whose metric_value is cut short
    public void EdgesOfTheWireFormatAreReadAsGoogleProtobufReadsThem(string hex) =>
        AssertSameReading(Convert.FromHexString(hex), new Random(hex.Length));

    [Theory]
    [InlineData(99, false)]
    [InlineData(100, false)]
    [InlineData(101, false)]
    [InlineData(98, true)]
    [InlineData(99, true)]
    [InlineData(100, true)]
    public void GroupsNestedToTheRecursionLimitAreReadAsGoogleProtobufReadsThem(int depth, bool inRecord)
    {
        var groups = Convert.FromHexString(string.Concat(Enumerable.Repeat("2B", depth)) + string.Concat(Enumerable.Repeat("2C", depth)));
        var bytes = inRecord ? ProtobufWire.LengthDelimited(LogCustomMetricRequest.MetricsFieldNumber, groups) : groups;
        AssertSameReading(bytes, new Random(depth));
    }

    [Fact]
    public void ARequestInSeveralSegmentsReadsAsInOne()
    {
        var request = new LogCustomMetricRequest { IsTest = true, IdempotencyKey = "k-1" };
        for (var i = 0; i < 50; i++)
            request.Metrics.Add(new MetricRecord { UserId = Strings[i % Strings.Length] + i, IdType = "user_id", MetricName = Strings[(i + 3) % Strings.Length], Numerator = i, Denominator = 3, Date = "2026-08-14" });
        var bytes = request.ToByteArray();
        var segments = Segments(bytes, 13);
        Assert.False(segments.IsSingleSegment);
        Assert.Equal(request, LogCustomMetricRequestReader.Read(segments));
    }

    [Fact]
    public void RecordsShareOneStringForEachIdTypeMetricNameAndDate()
    {
        var request = new LogCustomMetricRequest();
        for (var i = 0; i < 10; i++)
            request.Metrics.Add(new MetricRecord { UserId = $"u{i}", IdType = i % 2 == 0 ? "user_id" : "stable_id", MetricName = "revenue", MetricValue = i, Date = "2026-08-14" });

        var read = LogCustomMetricRequestReader.Read(request.ToByteArray());

        Assert.Equal(request, read);
        Assert.Equal(10, read.Metrics.Capacity);
        Assert.Same(read.Metrics[0].IdType, read.Metrics[8].IdType);
        Assert.Same(read.Metrics[1].IdType, read.Metrics[9].IdType);
        Assert.Same(read.Metrics[0].MetricName, read.Metrics[9].MetricName);
        Assert.Same(read.Metrics[0].Date, read.Metrics[9].Date);
        Assert.NotSame(read.Metrics[0].UserId, read.Metrics[1].UserId);
    }

    [Fact]
    public void AMalformedRequestIsAnsweredInvalidArgumentInTheProductsWords()
    {
        var e = Assert.Throws<RpcException>(() => LogCustomMetricRequestReader.Read([0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x0A]));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("the request is not a valid LogCustomMetricRequest message (cut short, a wrong length or invalid UTF-8 in a string)", e.Status.Detail);
    }

    /// <summary>
    /// Whether Google.Protobuf reads <paramref name="bytes"/>, after checking that the reader agrees, reading them whole
    /// and in segments of a random size.
    /// </summary>
    private static bool AssertSameReading(byte[] bytes, Random random)
    {
        var whole = AssertSameReading(bytes, new ReadOnlySequence<byte>(bytes));
        if (bytes.Length > 1)
            Assert.Equal(whole, AssertSameReading(bytes, Segments(bytes, random.Next(1, bytes.Length))));
        return whole;
    }

    private static bool AssertSameReading(byte[] bytes, ReadOnlySequence<byte> payload)
    {
        LogCustomMetricRequest? expected;
        try
        {
            expected = LogCustomMetricRequest.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            expected = null;
        }
        LogCustomMetricRequest? actual;
        try
        {
            actual = LogCustomMetricRequestReader.Read(payload);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            actual = null;
        }
        var hex = Convert.ToHexString(bytes);
        Assert.True(expected is null == actual is null, $"Google.Protobuf {(expected is null ? "refuses" : "reads")} {hex}, the reader {(actual is null ? "refuses" : "reads")} it");
        if (expected is not null)
            Assert.True(Project(expected) == Project(actual!), $"read differently: {hex}");
        return expected is not null;
    }

    /// <summary>A request's content without unknown fields, which the reader drops; doubles by their bits (NaN equals itself).</summary>
    private static string Project(LogCustomMetricRequest request) =>
        $"{request.IsTest}|{request.IdempotencyKey}|" + string.Join("|", request.Metrics.Select(m =>
            $"[{m.UserId},{m.IdType},{m.MetricName},{Bits(m.HasMetricValue, m.MetricValue)},{Bits(m.HasNumerator, m.Numerator)},{Bits(m.HasDenominator, m.Denominator)},{m.Date}]"));

    private static string Bits(bool has, double value) => has ? BitConverter.DoubleToInt64Bits(value).ToString() : "-";

    private static byte[] RandomRequest(Random random)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            var fields = random.Next(0, 8);
            for (var i = 0; i < fields; i++)
            {
                switch (random.Next(6))
                {
                    case 0:
                        output.WriteTag(LogCustomMetricRequest.IsTestFieldNumber, WireFormat.WireType.Varint);
                        output.WriteUInt64(random.Next(4) == 0 ? ulong.MaxValue : (ulong)random.Next(3));
                        break;
                    case 1 or 2:
                        output.WriteTag(LogCustomMetricRequest.MetricsFieldNumber, WireFormat.WireType.LengthDelimited);
                        output.WriteBytes(ByteString.CopyFrom(RandomRecord(random)));
                        break;
                    case 3:
                        output.WriteTag(LogCustomMetricRequest.IdempotencyKeyFieldNumber, WireFormat.WireType.LengthDelimited);
                        output.WriteBytes(RandomString(random));
                        break;
                    default:
                        UnknownField(output, random, depth: 0);
                        break;
                }
            }
        }
        return stream.ToArray();
    }

    private static byte[] RandomRecord(Random random)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            var fields = random.Next(0, 10);
            for (var i = 0; i < fields; i++)
            {
                var field = random.Next(1, 9);
                switch (field)
                {
                    case MetricRecord.MetricValueFieldNumber or MetricRecord.NumeratorFieldNumber or MetricRecord.DenominatorFieldNumber:
                        output.WriteTag(field, WireFormat.WireType.Fixed64);
                        output.WriteDouble(random.Next(5) switch { 0 => double.NaN, 1 => 1e308, 2 => -0.0, _ => random.NextDouble() * 100 });
                        break;
                    case 8:
                        UnknownField(output, random, depth: 0);
                        break;
                    default:
                        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
                        output.WriteBytes(RandomString(random));
                        break;
                }
            }
        }
        return stream.ToArray();
    }

    private static ByteString RandomString(Random random) =>
        ByteString.CopyFrom(random.Next(20) == 0 ? InvalidUtf8[random.Next(InvalidUtf8.Length)] : Encoding.UTF8.GetBytes(Strings[random.Next(Strings.Length)]));

    /// <summary>A field the messages do not define, or a defined one with another wire type; groups hold fields of their own.</summary>
    private static void UnknownField(CodedOutputStream output, Random random, int depth)
    {
        var field = random.Next(2) == 0 ? random.Next(1, 8) : random.Next(8, 100_000);
        var wireType = random.Next(depth < 3 ? 6 : 5) switch
        {
            0 => WireFormat.WireType.Varint,
            1 => WireFormat.WireType.Fixed64,
            2 => WireFormat.WireType.LengthDelimited,
            3 => WireFormat.WireType.Fixed32,
            4 => WireFormat.WireType.Varint,
            _ => WireFormat.WireType.StartGroup,
        };
        output.WriteTag(field, wireType);
        switch (wireType)
        {
            case WireFormat.WireType.Varint:
                output.WriteUInt64((ulong)random.NextInt64());
                break;
            case WireFormat.WireType.Fixed64:
                output.WriteFixed64((ulong)random.NextInt64());
                break;
            case WireFormat.WireType.LengthDelimited:
                output.WriteBytes(RandomString(random));
                break;
            case WireFormat.WireType.Fixed32:
                output.WriteFixed32((uint)random.Next());
                break;
            default:
                for (var i = random.Next(3); i > 0; i--)
                    UnknownField(output, random, depth + 1);
                output.WriteTag(random.Next(10) == 0 ? field + 1 : field, WireFormat.WireType.EndGroup);
                break;
        }
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        Segment? first = null, last = null;
        for (var start = 0; start < bytes.Length; start += size)
        {
            var segment = new Segment(bytes.AsMemory(start, Math.Min(size, bytes.Length - start)), start);
            if (last is null)
                first = segment;
            else
                last.SetNext(segment);
            last = segment;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
