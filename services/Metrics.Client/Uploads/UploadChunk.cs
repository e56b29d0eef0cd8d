using System.Buffers;
using System.IO.Hashing;
using Google.Protobuf;

namespace Metrics.Client.Uploads;

/// <summary>
/// Rows of one day, cut from the source in a deterministic way (<see cref="DayChunker"/>): the <paramref name="Sequence"/>-th
/// chunk of <paramref name="Date"/>. Its idempotency key is made of the day, the sequence and a hash of what it sends,
/// so that the same source cut the same way gives the same keys, and a key never names two bodies.
/// </summary>
internal sealed record UploadChunk(string Date, int Sequence, IReadOnlyList<UploadRow> Rows)
{
    /// <summary>The key: the hash is XXH128 of the test flag's byte then each record sent, serialized, one after the other.</summary>
    public string Key(string prefix, bool isTest)
    {
        var hash = new XxHash128();
        hash.Append([isTest ? (byte)1 : (byte)0]);
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            foreach (var row in Rows)
            {
                if (row.Problem is not null)
                    continue;
                var size = row.Record.CalculateSize();
                if (size > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(size);
                }
                var record = buffer.AsSpan(0, size);
                row.Record.WriteTo(record);
                hash.Append(record);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return $"{prefix}-{(Date.Length == 0 ? "undated" : Date)}-{Sequence}-{Convert.ToHexStringLower(hash.GetCurrentHash())}";
    }
}
