using System.Buffers;
using System.IO.Hashing;
using Google.Protobuf;
using Grpc.Core;
using Metrics.Client.Uploads;
using Metrics.Contracts.V1;

namespace Metrics.Cli.Tests;

/// <summary>An upload's records serialized once: the same bytes, the same request and the same keys as the generated code's.</summary>
public sealed class EncodedRecordsTests
{
    private static readonly List<MetricRecord> Records =
    [
        new() { UserId = "u1", IdType = "user_id", MetricName = "revenue", Date = "2026-01-01", MetricValue = 12.5 },
        new() { UserId = "ü-ünïcode-" + new string('x', 300), IdType = "stable_id", MetricName = "conversion", Date = "2026-01-01", Numerator = 1, Denominator = 3 },
        new() { UserId = "u3", IdType = "user_id", MetricName = "revenue", Date = "2026-01-01", MetricValue = 0 },
    ];

    [Fact]
    public void The_records_are_the_bytes_the_generated_code_writes_for_a_request_of_them()
    {
        Assert.Equal(new LogCustomMetricRequest { Metrics = { Records } }.ToByteArray(), EncodedRecords.Of(Records));
    }

    [Fact]
    public void The_call_sends_the_request_the_generated_client_would()
    {
        var encoded = new EncodedLogRequest(IsTest: true, "upload-2026-01-01-0-abc", EncodedRecords.Of(Records));
        var context = new BufferContext();

        EncodedLogRequest.Method.RequestMarshaller.ContextualSerializer(encoded, context);

        var expected = new LogCustomMetricRequest { IsTest = true, IdempotencyKey = "upload-2026-01-01-0-abc", Metrics = { Records } };
        Assert.Equal(expected, LogCustomMetricRequest.Parser.ParseFrom(context.Written()));
        Assert.Equal(expected.CalculateSize(), context.PayloadLength);
        Assert.Equal(IngestService.Descriptor.FindMethodByName("LogCustomMetric").FullName, $"{EncodedLogRequest.Method.ServiceName}.{EncodedLogRequest.Method.Name}");
    }

    [Fact]
    public void A_chunks_key_hashes_each_record_sent_as_the_generated_code_serializes_it()
    {
        var rows = Records.Select((r, i) => new UploadRow(i + 1, r)).Append(new UploadRow(4, Records[0], new RowProblem("date", "refused before sending"))).ToList();
        var chunk = new UploadChunk("2026-01-01", 2, rows);

        var (key, records) = chunk.Encode(chunk.Sent(), "upload", isTest: false);

        // The keys of earlier versions of the client: an upload resumed by a newer one must find its chunks' keys.
        var hash = new XxHash128();
        hash.Append([0]);
        foreach (var record in Records)
            hash.Append(record.ToByteArray());
        Assert.Equal($"upload-2026-01-01-2-{Convert.ToHexStringLower(hash.GetCurrentHash())}", key);
        Assert.Equal(EncodedRecords.Of(Records), records);
    }

    private sealed class BufferContext : SerializationContext
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();
        private bool _complete;

        public int PayloadLength { get; private set; }

        public override void SetPayloadLength(int payloadLength) => PayloadLength = payloadLength;

        public override IBufferWriter<byte> GetBufferWriter() => _buffer;

        public override void Complete() => _complete = true;

        public byte[] Written() => _complete ? _buffer.WrittenSpan.ToArray() : throw new InvalidOperationException("not completed");
    }
}
