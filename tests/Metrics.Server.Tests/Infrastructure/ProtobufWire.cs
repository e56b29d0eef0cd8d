using Google.Protobuf;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// Protobuf wire bytes written by hand, for what a generated message cannot hold: invalid UTF-8 in a string
/// field, a field sent with the wrong wire type, unknown fields.
/// </summary>
public static class ProtobufWire
{
    /// <summary>A length-delimited field (string, bytes or message) holding exactly <paramref name="content"/>.</summary>
    public static byte[] LengthDelimited(int field, byte[] content) =>
        Write(output =>
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(content));
        });

    public static byte[] Varint(int field, ulong value) =>
        Write(output =>
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteUInt64(value);
        });

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Write(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
            write(output);
        return stream.ToArray();
    }
}
