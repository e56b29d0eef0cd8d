namespace Metrics.Client.Uploads;

/// <summary>How an upload is cut into calls and sent.</summary>
public sealed class UploadOptions
{
    /// <summary>Records in one call: 1,000–10,000. Part of every chunk's identity: a resumed upload uses the same.</summary>
    public int ChunkSize { get; set; } = 5_000;

    /// <summary>Calls in flight at once: 1–64.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>The records are test records (<c>isTest</c>).</summary>
    public bool IsTest { get; set; }

    /// <summary>
    /// The start of every idempotency key ([A-Za-z0-9._-], 1–64). Two uploads with the same prefix whose chunks hold
    /// the same rows are one upload; give another prefix to send the same rows again on purpose.
    /// </summary>
    public string KeyPrefix { get; set; } = "upload";

    /// <summary>Rows held while days are interleaved in the source; past it the largest day's rows go out as a short chunk.</summary>
    public int MaxBufferedRows { get; set; } = 200_000;

    internal void Validate()
    {
        if (ChunkSize is < 1_000 or > 10_000)
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, "a chunk holds 1,000–10,000 records");
        if (Parallelism is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "1–64 calls in flight");
        if (KeyPrefix.Length is < 1 or > 64 || !KeyPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw new ArgumentException($"key prefix \"{KeyPrefix}\" is not 1–64 of [A-Za-z0-9._-]", nameof(KeyPrefix));
        if (MaxBufferedRows < ChunkSize)
            throw new ArgumentOutOfRangeException(nameof(MaxBufferedRows), MaxBufferedRows, "at least one chunk's rows");
    }
}
