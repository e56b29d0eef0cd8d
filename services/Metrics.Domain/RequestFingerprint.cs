using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Metrics.Domain;

/// <summary>
/// Names the body of an ingest request, so that an idempotency key is bound to one request: SHA-256, in hex, over a
/// canonical encoding of <c>is_test</c> and the records in order (each string length-prefixed UTF-8, each number
/// a presence byte and its IEEE 754 bits), so the same body always gives the same fingerprint, over gRPC or JSON.
/// </summary>
public static class RequestFingerprint
{
    public static string Of(bool isTest, IReadOnlyList<IncomingRecord> records)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> scratch = stackalloc byte[9];
        scratch[0] = isTest ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(scratch[1..], records.Count);
        hash.AppendData(scratch[..5]);
        foreach (var r in records)
        {
            Append(hash, r.UserId);
            Append(hash, r.IdType);
            Append(hash, r.MetricName);
            Append(hash, r.MetricValue, scratch);
            Append(hash, r.Numerator, scratch);
            Append(hash, r.Denominator, scratch);
            Append(hash, r.Date);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    private static void Append(IncrementalHash hash, double? number, Span<byte> scratch)
    {
        scratch[0] = number.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(scratch[1..], BitConverter.DoubleToInt64Bits(number ?? 0));
        hash.AppendData(scratch);
    }
}
