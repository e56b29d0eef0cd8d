namespace Metrics.Grains.Logstream;

/// <summary>
/// Why the rows of a batch of rejected records were refused. A refused request is one batch, bounded whatever its
/// size: its first <see cref="SampleSize"/> records as rows, each with its metric, date and reason at the row's
/// index in <see cref="Records"/>, and <see cref="RejectedCount"/>, the records of the request refused in all.
/// </summary>
public sealed record Rejection(RejectedRecord[] Records, int RejectedCount)
{
    public const int SampleSize = 20;
}

public readonly record struct RejectedRecord(string MetricName, string Date, string Reason);
