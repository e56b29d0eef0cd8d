using Metrics.Domain;
using Metrics.Grains.MetricDays;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// The Redis keys and channels of the Redis deployment. Every key of a project carries the <c>{project}</c> hash
/// tag, so one project's keys share a slot and one script may write several of them.
/// </summary>
internal static class RedisKeys
{
    private static string Project(string project) => $"metrics:{{{project}}}";

    /// <summary>A hash: the metric-day's write <c>version</c>, and once sealed the number of its snapshot's chunks, <c>sealed-chunks</c>.</summary>
    public static RedisKey MetricDayHead(MetricDayId id) => $"{Project(id.Project)}:day:{id.MetricName}:{id.Day}";

    /// <summary>A list: the slices appended since the day opened, replayed on activation, dropped at the seal.</summary>
    public static RedisKey MetricDayJournal(MetricDayId id) => $"{Project(id.Project)}:journal:{id.MetricName}:{id.Day}";

    /// <summary>A list: the chunks of the metric-day's snapshot (sealed, or an open day's load), in order.</summary>
    public static RedisKey MetricDaySealed(MetricDayId id) => $"{Project(id.Project)}:sealed:{id.MetricName}:{id.Day}";

    /// <summary>A list: the sealed versions a restatement superseded, oldest first, each as JSON.</summary>
    public static RedisKey MetricDayVersions(MetricDayId id) => $"{Project(id.Project)}:versions:{id.MetricName}:{id.Day}";

    /// <summary>A list: the chunks of one attempt to seal, written before the seal makes them <see cref="MetricDaySealed"/>; expires if the attempt dies.</summary>
    public static RedisKey MetricDaySealing(MetricDayId id, Guid attempt) => $"{Project(id.Project)}:sealing:{id.MetricName}:{id.Day}:{attempt:N}";

    /// <summary>The project's Logstream: a stream with one entry per batch.</summary>
    public static RedisKey Logstream(string project) => $"{Project(project)}:logstream";

    /// <summary>A list of the Logstream's entries, oldest first, as pairs of entry ID and stored bytes: what retention in bytes trims by.</summary>
    public static RedisKey LogstreamSizes(string project) => $"{Project(project)}:logstream:sizes";

    /// <summary>
    /// A counter: the entries ever added to the project's Logstream. Each entry carries its number (field <c>n</c>),
    /// so that a reader that finds a gap in the numbers knows how many entries retention removed before it read them.
    /// </summary>
    public static RedisKey LogstreamSequence(string project) => $"{Project(project)}:logstream:sequence";

    /// <summary>A counter: the bytes of the entries listed in <see cref="LogstreamSizes"/>.</summary>
    public static RedisKey LogstreamBytes(string project) => $"{Project(project)}:logstream:bytes";

    /// <summary>
    /// Told the ID of every Logstream entry as it is added, to wake the nodes that follow the stream. A shard channel
    /// (Redis 7's <c>SPUBLISH</c>): on a Redis Cluster it lives on the project's shard, as the stream does, instead of
    /// travelling to every master over the cluster bus.
    /// </summary>
    public static RedisChannel LogstreamAppended(string project) => RedisChannel.Sharded($"{Project(project)}:logstream");

    /// <summary>A hash: the readiness grain's <c>version</c> (its stored changes) and <c>watermark</c>; keyed like the grain, <c>{project}/{type}</c>.</summary>
    public static RedisKey ReadinessHead(string grainKey) => Readiness(grainKey, "head");

    /// <summary>A set: the dates (<c>YYYY-MM-DD</c>) of the days holding data that are not sealed yet.</summary>
    public static RedisKey ReadinessOpenDays(string grainKey) => Readiness(grainKey, "open-days");

    /// <summary>A set: the metric names holding data on one open day, which its seal seals.</summary>
    public static RedisKey ReadinessOpenDay(string grainKey, DateOnly day) => Readiness(grainKey, $"open-day:{StoredReadiness.Date(day)}");

    /// <summary>A hash: metric name to its catalog entry.</summary>
    public static RedisKey ReadinessCatalog(string grainKey) => Readiness(grainKey, "catalog");

    /// <summary>A hash: date to the sealed-day event of a day sealed but not announced yet.</summary>
    public static RedisKey ReadinessUnannounced(string grainKey) => Readiness(grainKey, "unannounced");

    /// <summary>A hash: <c>{date}/{metric}</c> to a restatement about to be swapped in, not announced yet.</summary>
    public static RedisKey ReadinessRestatements(string grainKey) => Readiness(grainKey, "restatements");

    private static RedisKey Readiness(string grainKey, string part)
    {
        var slash = grainKey.IndexOf('/');
        return $"{Project(grainKey[..slash])}:readiness:{grainKey[(slash + 1)..]}:{part}";
    }

    /// <summary>
    /// The project's sealed-day events, a shard channel like <see cref="LogstreamAppended"/>: on a Redis Cluster a
    /// watch subscribes on the shard that publishes, so it never receives an event published before it subscribed.
    /// </summary>
    public static RedisChannel SealedDays(string project) => RedisChannel.Sharded($"{Project(project)}:sealed-days");

    /// <summary>The records rejected per metric on one day (a hash).</summary>
    public static RedisKey Rejections(string project, PacificDay day) => $"{Project(project)}:rejected:{day}";

    /// <summary>A hash: import ID to the import's definition (JSON).</summary>
    public static RedisKey Imports(string project) => $"{Project(project)}:imports";

    /// <summary>A hash: run ID to the run as it last stood (JSON).</summary>
    public static RedisKey ImportRuns(string project, string importId) => $"{Project(project)}:import-runs:{importId}";

    /// <summary>
    /// A hash: the lease of the import's run under way (<see cref="StoredRunLeases"/>): the activation holding it, the
    /// run, and its expiry.
    /// </summary>
    public static RedisKey ImportRunLease(string project, string importId) => $"{Project(project)}:import-lease:{importId}";

    public static RedisKey Idempotency(string project, string key) => $"{Project(project)}:idempotency:{key}";
}
