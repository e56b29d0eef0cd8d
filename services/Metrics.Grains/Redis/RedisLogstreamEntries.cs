using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using StackExchange.Redis;

namespace Metrics.Grains.Redis;

/// <summary>
/// How a Logstream batch is kept in a project's Redis stream: fields <c>m</c> (metric), <c>d</c> (date),
/// <c>s</c> (the slice as <see cref="StoredSlices"/> writes it: rows, test flag, ingestion time) and, for rejected records, <c>r</c> (the reason).
/// An accepted slice is stored once and its bytes serve both the metric-day journal and the stream.
/// </summary>
public static class RedisLogstreamEntries
{
    /// <summary>
    /// Lua that adds an entry to KEYS[logstream] from ARGV[maxLen], ARGV[metric], ARGV[date], ARGV[slice] and
    /// ARGV[channel] (plus ARGV[reason] when given), keeps the newest maxLen, wakes the nodes that follow it,
    /// and leaves the entry's ID in <c>id</c>.
    /// </summary>
    public static string AddScript(int logstream, int maxLen, int metric, int date, int slice, int channel, int? reason = null) =>
        $"""
        local id = redis.call('XADD', KEYS[{logstream}], 'MAXLEN', ARGV[{maxLen}], '*', 'm', ARGV[{metric}], 'd', ARGV[{date}], 's', ARGV[{slice}]{(reason is { } r ? $", 'r', ARGV[{r}]" : "")})
        redis.call('PUBLISH', ARGV[{channel}], id)
        """;

    public static MetricSlice SliceOf(LogstreamBatch batch) => new(null, batch.IsTest, batch.IngestedAt, batch.Rows, "");

    public static StoredBatch Read(string project, StreamEntry entry)
    {
        if (!StreamId.TryParse(entry.Id!, out var id))
            throw new InvalidDataException($"Logstream entry of {project} has the ID \"{entry.Id}\"");
        var slice = StoredSlices.Read((byte[])entry["s"]!);
        var reason = entry["r"];
        return new StoredBatch(id, new LogstreamBatch(
            project, entry["m"]!, entry["d"]!, slice.IsTest, slice.IngestedAt, reason.IsNull ? null : (string)reason!, slice.Rows));
    }
}
