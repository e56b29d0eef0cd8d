using Metrics.Domain;
using Metrics.Grains.Health;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// The Redis deployment's tally: a hash per project and day (field: metric name, value: records rejected), each
/// add one script that counts a new name only while the day has fewer than the cap, and renews the day's expiry.
/// </summary>
internal sealed class RedisRejectionTally(IConnectionMultiplexer redis) : IRejectionTally
{
    private const string Add = """
        local cap = tonumber(ARGV[1])
        for i = 3, #ARGV, 2 do
          if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 or redis.call('HLEN', KEYS[1]) < cap then
            redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
          end
        end
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        return false
        """;

    private static readonly long RetentionSeconds = (long)IRejectionTally.Retention.TotalSeconds;

    public Task AddAsync(string project, IReadOnlyCollection<RejectedCount> counts)
    {
        var database = redis.GetDatabase();
        return RedisGuard.Call(() => Task.WhenAll(counts.GroupBy(c => c.Day).Select(day =>
            database.ScriptEvaluateAsync(Add, [RedisKeys.Rejections(project, day.Key)],
                [IRejectionTally.MetricsPerDay, RetentionSeconds, .. day.SelectMany(c => new RedisValue[] { c.MetricName, c.Records })]))));
    }

    public async Task<long> CountAsync(string project, string metricName, PacificDay day)
    {
        var count = await RedisGuard.Call(() => redis.GetDatabase().HashGetAsync(RedisKeys.Rejections(project, day), metricName));
        return count.IsNull ? 0 : (long)count;
    }
}
