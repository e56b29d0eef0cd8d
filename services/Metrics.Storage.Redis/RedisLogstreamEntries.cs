using Google.Protobuf;
using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using Metrics.Storage.Redis.Storage;
using StackExchange.Redis;
using Logstream = Metrics.Grains.Logstream;

namespace Metrics.Storage.Redis;

/// <summary>
/// How a Logstream batch is kept in a project's Redis stream: fields <c>m</c> (metric), <c>d</c> (date),
/// <c>s</c> (the slice as <see cref="StoredSlices"/> writes it: rows, test flag, ingestion time) and, for a refused
/// request, <c>x</c> (its <see cref="Storage.Rejection"/>: each row's metric, date and reason, and the count), and
/// for rows an import loaded, <c>o</c> (<c>import:&lt;import_id&gt;</c>; absent means <c>api</c>), and <c>n</c>, the
/// entry's number in the project's Logstream (<see cref="RedisKeys.LogstreamSequence"/>; absent in entries written
/// before it was kept). An accepted slice is stored once and its bytes serve both the metric-day journal and the stream.
/// </summary>
internal static class RedisLogstreamEntries
{
    /// <summary>The entry's number in its Logstream: one more than the entry added before it.</summary>
    public static long? Number(StreamEntry entry) => entry["n"] is { IsNull: false } number ? (long)number : null;

    public static MetricSlice SliceOf(LogstreamBatch batch) => new(null, batch.IsTest, batch.IngestedAt, batch.Rows, "");

    /// <summary>Field <c>x</c> of a refused request's entry; empty for an accepted slice.</summary>
    public static RedisValue WriteRejection(Logstream.Rejection? rejection)
    {
        if (rejection is null)
            return RedisValue.EmptyString;
        var stored = new Storage.Rejection { RejectedCount = (uint)rejection.RejectedCount };
        foreach (var record in rejection.Records)
            stored.Records.Add(new Storage.RejectedRecord { MetricName = record.MetricName, Date = record.Date, Reason = record.Reason });
        return stored.ToByteArray();
    }

    /// <summary>Field <c>o</c>: empty for the API, the common case, so that its entries carry no extra field.</summary>
    public static RedisValue WriteSource(string source) => source == LogstreamBatch.ApiSource ? RedisValue.EmptyString : source;

    /// <summary>The position of an entry of <paramref name="project"/>'s stream, from its Redis ID.</summary>
    public static StreamId ReadId(string project, string id) =>
        StreamId.TryParse(id, out var parsed) ? parsed : throw new InvalidDataException($"Logstream entry of {project} has the ID \"{id}\"");

    public static StoredBatch Read(string project, StreamEntry entry)
    {
        var id = ReadId(project, entry.Id!);
        var slice = StoredSlices.Read((byte[])entry["s"]!);
        var (metric, date) = ((string)entry["m"]!, (string)entry["d"]!);
        return new StoredBatch(id, new LogstreamBatch(
            project, metric, date, slice.IsTest, slice.IngestedAt, slice.Rows, ReadRejection(entry),
            entry["o"] is { IsNull: false } source ? (string)source! : LogstreamBatch.ApiSource));
    }

    private static Logstream.Rejection? ReadRejection(StreamEntry entry)
    {
        var stored = entry["x"];
        if (stored.IsNull)
            return null;
        var rejection = Storage.Rejection.Parser.ParseFrom((byte[])stored!);
        return new Logstream.Rejection(
            rejection.Records.Select(r => new Logstream.RejectedRecord(r.MetricName, r.Date, r.Reason)).ToArray(), (int)rejection.RejectedCount);
    }
}
