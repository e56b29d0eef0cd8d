using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Client.Uploads;

/// <summary>
/// A <c>LogCustomMetricRequest</c> whose records are already serialized (<see cref="EncodedRecords"/>), and the
/// <c>LogCustomMetric</c> method that sends it as such: the generated client's call, its request's fields written in
/// another order (the key before the records), which protobuf parsers read alike.
/// </summary>
internal sealed record EncodedLogRequest(bool IsTest, string IdempotencyKey, byte[] Records)
{
    /// <summary>The names are those of the generated client's method, as strings: its descriptor is built on first use, a cost a call needs not pay.</summary>
    public static readonly Method<EncodedLogRequest, LogCustomMetricResponse> Method = new(
        MethodType.Unary,
        "metrics.v1.IngestService",
        "LogCustomMetric",
        Marshallers.Create<EncodedLogRequest>(Serialize, _ => throw new NotSupportedException("a client never reads a request")),
        Marshallers.Create(response => response.ToByteArray(), LogCustomMetricResponse.Parser.ParseFrom));

    private static void Serialize(EncodedLogRequest request, SerializationContext context)
    {
        var head = new LogCustomMetricRequest { IsTest = request.IsTest, IdempotencyKey = request.IdempotencyKey };
        context.SetPayloadLength(head.CalculateSize() + request.Records.Length);
        var writer = context.GetBufferWriter();
        head.WriteTo(writer);
        writer.Write(request.Records);
        context.Complete();
    }
}
