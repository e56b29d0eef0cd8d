using System.IO.Hashing;

namespace Metrics.Client.Uploads;

/// <summary>
/// Rows of one day, cut from the source in a deterministic way (<see cref="DayChunker"/>): the <paramref name="Sequence"/>-th
/// chunk of <paramref name="Date"/>. Its idempotency key is made of the day, the sequence and a hash of what it sends,
/// so that the same source cut the same way gives the same keys, and a key never names two bodies.
/// </summary>
internal sealed record UploadChunk(string Date, int Sequence, IReadOnlyList<UploadRow> Rows)
{
    /// <summary>The rows the chunk sends: those not refused before sending.</summary>
    public List<UploadRow> Sent() => Rows.Where(r => r.Problem is null).ToList();

    /// <summary>
    /// The key, and the rows sent as <see cref="EncodedRecords"/>. The hash is XXH128 of the test flag's byte then each
    /// record sent, serialized, one after the other.
    /// </summary>
    public (string Key, byte[] Records) Encode(IReadOnlyList<UploadRow> sent, string prefix, bool isTest)
    {
        var hash = new XxHash128();
        hash.Append([isTest ? (byte)1 : (byte)0]);
        var records = EncodedRecords.Of(sent.Select(r => r.Record).ToList(), hash);
        return ($"{prefix}-{(Date.Length == 0 ? "undated" : Date)}-{Sequence}-{Convert.ToHexStringLower(hash.GetCurrentHash())}", records);
    }
}
