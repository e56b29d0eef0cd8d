using Metrics.Grains.MetricDays;

namespace Metrics.Grains.Logstream;

/// <summary>
/// Records of one metric and day that were ingested together: an accepted slice, or records rejected for one
/// reason. The Logstream stores one batch per slice, not one entry per record.
/// </summary>
public sealed record LogstreamBatch(
    string Project,
    string MetricName,
    string Date,
    bool IsTest,
    DateTimeOffset IngestedAt,
    string? RejectReason,
    UnitRow[] Rows)
{
    public bool Rejected => RejectReason is not null;

    public static LogstreamBatch Accepted(MetricDayId day, MetricSlice slice) =>
        new(day.Project, day.MetricName, day.Day.ToString(), slice.IsTest, slice.IngestedAt, null, slice.Rows);
}

/// <summary>A batch with the position the Logstream gave it.</summary>
public sealed record StoredBatch(StreamId Id, LogstreamBatch Batch);
