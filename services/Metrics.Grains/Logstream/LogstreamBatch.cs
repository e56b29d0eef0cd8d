using Metrics.Domain;
using Metrics.Grains.MetricDays;

namespace Metrics.Grains.Logstream;

/// <summary>
/// Records ingested together, stored as one Logstream entry: an accepted slice (one metric and day), or a sample of
/// the records of one refused request (<see cref="Rejection"/>; <see cref="MetricName"/> and <see cref="Date"/>
/// are then its first record's). The Logstream stores one batch per slice or refused request, not one entry per record.
/// <see cref="Source"/> says where the records came from: <see cref="ApiSource"/>, or an import (<see cref="ImportSource"/>).
/// </summary>
public sealed record LogstreamBatch(
    string Project,
    string MetricName,
    string Date,
    bool IsTest,
    DateTimeOffset IngestedAt,
    UnitRow[] Rows,
    Rejection? Rejection = null,
    string Source = LogstreamBatch.ApiSource)
{
    public const string ApiSource = "api";

    public static string ImportSource(string importId) => $"import:{importId}";

    /// <summary>What a row costs in process memory beyond its strings: the row, references, the array slot.</summary>
    private const int RowOverheadBytes = 64;

    public bool Rejected => Rejection is not null;

    public string MetricNameAt(int index) => Rejection?.Records[index].MetricName ?? MetricName;

    public string DateAt(int index) => Rejection?.Records[index].Date ?? Date;

    public string ReasonAt(int index) => Rejection?.Records[index].Reason ?? "";

    /// <summary>The records this batch stands for: its rows, or for a refused request every record it had.</summary>
    public int RecordCount => Rejection?.RejectedCount ?? Rows.Length;

    /// <summary>An estimate of the batch's size in process memory, for the Logstream's retention in bytes.</summary>
    public long ApproximateBytes()
    {
        long bytes = 2L * (Project.Length + MetricName.Length + Date.Length + Source.Length) + RowOverheadBytes;
        foreach (var row in Rows)
            bytes += RowOverheadBytes + 2L * (row.IdType.Length + row.UserId.Length);
        foreach (var record in Rejection?.Records ?? [])
            bytes += RowOverheadBytes + 2L * (record.MetricName.Length + record.Date.Length + record.Reason.Length);
        return bytes;
    }

    public static LogstreamBatch Accepted(MetricDayId day, MetricSlice slice) =>
        new(day.Project, day.MetricName, day.Day.ToString(), slice.IsTest, slice.IngestedAt, slice.Rows);

    /// <summary>The records of a refused request: the first <see cref="Rejection.SampleSize"/>, and the count of all.</summary>
    public static LogstreamBatch Refused(
        string project, bool isTest, DateTimeOffset ingestedAt, IReadOnlyList<IncomingRecord> records, Func<int, string> reason)
    {
        var today = PacificDay.Of(ingestedAt).ToString();
        var sample = records.Take(Rejection.SampleSize).ToArray();
        var rejected = sample
            .Select((r, i) => new RejectedRecord(r.MetricName, r.Date.Length == 0 ? today : r.Date, reason(i)))
            .ToArray();
        var rows = sample.Select(r => new UnitRow(r.IdType, r.UserId, r.MetricValue, r.Numerator, r.Denominator)).ToArray();
        return new LogstreamBatch(project, rejected[0].MetricName, rejected[0].Date, isTest, ingestedAt, rows,
            new Rejection(rejected, records.Count));
    }
}

/// <summary>A batch with the position the Logstream gave it.</summary>
public sealed record StoredBatch(StreamId Id, LogstreamBatch Batch);
