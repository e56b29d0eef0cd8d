namespace Metrics.Grains.Logstream;

/// <summary>Configured under <c>Metrics:Logstream</c>.</summary>
public sealed class LogstreamOptions
{
    /// <summary>Batches retained per project for backlog replay and cursor resume.</summary>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>Entries buffered per subscriber; past it the subscriber loses entries and is told how many.</summary>
    public int SubscriberBuffer { get; set; } = 10_000;
}
