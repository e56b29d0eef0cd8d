using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Metrics.Domain;

/// <summary>
/// Names the body of an ingest request, so that an idempotency key is bound to one request: SHA-256, in hex, over a
/// canonical encoding of <c>is_test</c> and the records in order (each string length-prefixed UTF-8, each number
/// a presence byte and its IEEE 754 bits), so the same body always gives the same fingerprint, over gRPC or JSON.
/// The encoding is gathered in one pooled buffer and hashed a buffer at a time, not a field at a time.
/// </summary>
public static class RequestFingerprint
{
    private const int BufferBytes = 32 * 1024;

    /// <summary>A number's encoding: its presence byte and 8 bytes.</summary>
    private const int NumberBytes = 9;

    public static string Of(bool isTest, IReadOnlyList<IncomingRecord> records)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var encoding = new CanonicalBytes(hash);
        try
        {
            var head = encoding.Reserve(5);
            head[0] = isTest ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt32LittleEndian(head[1..], records.Count);
            encoding.Advance(5);
            foreach (var r in records)
            {
                encoding.Append(r.UserId);
                encoding.Append(r.IdType);
                encoding.Append(r.MetricName);
                encoding.Append(r.MetricValue);
                encoding.Append(r.Numerator);
                encoding.Append(r.Denominator);
                encoding.Append(r.Date);
            }
            encoding.Flush();
        }
        finally
        {
            encoding.Return();
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The canonical encoding on its way into the hash.</summary>
    private struct CanonicalBytes(IncrementalHash hash)
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        private int _used;

        public void Append(string text)
        {
            var most = 4 + Encoding.UTF8.GetMaxByteCount(text.Length);
            if (most > _buffer.Length)
            {
                // Longer than the buffer (a request's strings are bounded, so this is rare): a buffer of its size.
                Flush();
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(most);
            }
            var target = Reserve(most);
            var length = Encoding.UTF8.GetBytes(text, target[4..]);
            BinaryPrimitives.WriteInt32LittleEndian(target, length);
            Advance(4 + length);
        }

        public void Append(double? number)
        {
            var target = Reserve(NumberBytes);
            target[0] = number.HasValue ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt64LittleEndian(target[1..], BitConverter.DoubleToInt64Bits(number ?? 0));
            Advance(NumberBytes);
        }

        public Span<byte> Reserve(int bytes)
        {
            if (_used + bytes > _buffer.Length)
                Flush();
            return _buffer.AsSpan(_used, bytes);
        }

        public void Advance(int bytes) => _used += bytes;

        public void Flush()
        {
            hash.AppendData(_buffer, 0, _used);
            _used = 0;
        }

        public readonly void Return() => ArrayPool<byte>.Shared.Return(_buffer);
    }
}
