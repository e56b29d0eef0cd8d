namespace Metrics.Grains.Logstream;

/// <summary>Configured under <c>Metrics:Logstream</c>.</summary>
public sealed class LogstreamOptions
{
    /// <summary>Batches retained per project for backlog replay and cursor resume.</summary>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>
    /// Bytes retained per project: past them the oldest batches go, as past <see cref="MaxEntries"/> (the newest
    /// batch is kept whatever its size). Redis counts the stored entries' bytes, the embedded mode an estimate of their memory.
    /// </summary>
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Entries buffered per subscriber; past it the subscriber loses entries and is told how many.</summary>
    public int SubscriberBuffer { get; set; } = 10_000;

    /// <summary>Concurrent subscribers per project on each node; one more is refused.</summary>
    public int MaxSubscribersPerProject { get; set; } = 100;
}
