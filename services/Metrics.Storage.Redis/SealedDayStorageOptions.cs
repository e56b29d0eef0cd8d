namespace Metrics.Storage.Redis;

/// <summary>
/// Configured under <c>Metrics:SealedDays</c>: how the Redis deployment cuts a sealed metric-day's snapshot. Each
/// chunk is one Redis value, far below Redis' 512 MB limit on one: a day of any size seals.
/// </summary>
public sealed class SealedDayStorageOptions
{
    public const int MinChunkBytes = 256;
    public const int MaxChunkBytes = 64 * 1024 * 1024;

    /// <summary>The size a chunk is cut at: 8 MiB, some 25,000 units of the longest IDs, 100,000 of common ones.</summary>
    public int ChunkBytes { get; set; } = 8 * 1024 * 1024;
}
