using Metrics.Grains.MetricDays;
using StackExchange.Redis;

namespace Metrics.Grains.Redis;

/// <summary>
/// The Redis keys and channels of the Redis deployment. Every key of a project carries the <c>{project}</c> hash
/// tag, so one project's keys share a slot and one script may write several of them.
/// </summary>
public static class RedisKeys
{
    private static string Project(string project) => $"metrics:{{{project}}}";

    /// <summary>A hash: the metric-day's write <c>version</c>, and its <c>sealed</c> snapshot once sealed.</summary>
    public static RedisKey MetricDayHead(MetricDayId id) => $"{Project(id.Project)}:day:{id.MetricName}:{id.Day}";

    /// <summary>A list: the slices appended since the day opened, replayed on activation, dropped at the seal.</summary>
    public static RedisKey MetricDayJournal(MetricDayId id) => $"{Project(id.Project)}:journal:{id.MetricName}:{id.Day}";

    /// <summary>The project's Logstream: a stream with one entry per batch.</summary>
    public static RedisKey Logstream(string project) => $"{Project(project)}:logstream";

    /// <summary>A list of the Logstream's entries, oldest first, as pairs of entry ID and stored bytes: what retention in bytes trims by.</summary>
    public static RedisKey LogstreamSizes(string project) => $"{Project(project)}:logstream:sizes";

    /// <summary>A counter: the bytes of the entries listed in <see cref="LogstreamSizes"/>.</summary>
    public static RedisKey LogstreamBytes(string project) => $"{Project(project)}:logstream:bytes";

    /// <summary>Told the ID of every Logstream entry as it is added, to wake the nodes that follow the stream.</summary>
    public static RedisChannel LogstreamAppended(string project) => RedisChannel.Literal($"{Project(project)}:logstream");

    /// <summary>The readiness state of a readiness grain, keyed like it: <c>{project}/{type}</c>.</summary>
    public static RedisKey Readiness(string grainKey)
    {
        var slash = grainKey.IndexOf('/');
        return $"{Project(grainKey[..slash])}:readiness:{grainKey[(slash + 1)..]}";
    }

    public static RedisChannel SealedDays(string project) => RedisChannel.Literal($"{Project(project)}:sealed-days");

    public static RedisKey Idempotency(string project, string key) => $"{Project(project)}:idempotency:{key}";
}
