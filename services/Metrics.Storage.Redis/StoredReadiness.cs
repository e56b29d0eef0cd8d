using System.Globalization;
using Metrics.Grains.Readiness;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// Readiness state as Redis keeps it, one key per part (<see cref="RedisKeys.ReadinessHead"/> and its siblings),
/// and a <see cref="ReadinessChange"/> as the keys and arguments of <see cref="Commit"/>, which stores only the change.
/// </summary>
internal static class StoredReadiness
{
    public const int Conflict = 0;
    public const int Committed = 1;

    public const string Version = "version";
    public const string Watermark = "watermark";

    /// <summary>
    /// KEYS: head, open-days, catalog, unannounced, restatements, then one open-day set per opened day and per closed day.
    /// ARGV: the expected version, the watermark (kept when smaller: it never moves backwards), then counted groups:
    /// opened days (date, metric count, metrics), catalog entries (name, entry), closed days (date, event), announced
    /// dates, pending restatements (key, restatement), resolved restatements' keys.
    /// Replies <c>{Committed, version}</c>, or <c>{Conflict, stored version}</c> having written nothing.
    /// </summary>
    public static readonly string Commit = $$"""
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if version ~= tonumber(ARGV[1]) then return {{{Conflict}}, version} end
        if tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], 'watermark') or '0') then
          redis.call('HSET', KEYS[1], 'watermark', ARGV[2])
        end
        local a, k = 2, 5
        local function arg() a = a + 1 return ARGV[a] end
        local function key() k = k + 1 return KEYS[k] end
        for _ = 1, tonumber(arg()) do
          local day = key()
          redis.call('SADD', KEYS[2], arg())
          for _ = 1, tonumber(arg()) do redis.call('SADD', day, arg()) end
        end
        for _ = 1, tonumber(arg()) do
          local name = arg()
          redis.call('HSET', KEYS[3], name, arg())
        end
        for _ = 1, tonumber(arg()) do
          local date = arg()
          redis.call('SREM', KEYS[2], date)
          redis.call('DEL', key())
          redis.call('HSET', KEYS[4], date, arg())
        end
        for _ = 1, tonumber(arg()) do redis.call('HDEL', KEYS[4], arg()) end
        for _ = 1, tonumber(arg()) do
          local field = arg()
          redis.call('HSET', KEYS[5], field, arg())
        end
        for _ = 1, tonumber(arg()) do redis.call('HDEL', KEYS[5], arg()) end
        redis.call('HSET', KEYS[1], 'version', version + 1)
        return {{{Committed}}, version + 1}
        """;

    public static (RedisKey[] Keys, RedisValue[] Values) CommitArguments(
        string grainKey, long expectedVersion, ReadinessChange change, RedisPayloads payloads)
    {
        var keys = new List<RedisKey>
        {
            RedisKeys.ReadinessHead(grainKey), RedisKeys.ReadinessOpenDays(grainKey),
            RedisKeys.ReadinessCatalog(grainKey), RedisKeys.ReadinessUnannounced(grainKey), RedisKeys.ReadinessRestatements(grainKey),
        };
        var values = new List<RedisValue> { expectedVersion, change.Watermark };

        var opened = change.Opened.GroupBy(m => m.Day).ToList();
        values.Add(opened.Count);
        foreach (var day in opened)
        {
            keys.Add(RedisKeys.ReadinessOpenDay(grainKey, day.Key));
            values.Add(Date(day.Key));
            values.Add(day.Count());
            values.AddRange(day.Select(m => (RedisValue)m.MetricName));
        }
        values.Add(change.Cataloged.Count);
        foreach (var entry in change.Cataloged)
        {
            values.Add(entry.MetricName);
            values.Add(payloads.Write(entry));
        }
        values.Add(change.Closed.Count);
        foreach (var sealedDay in change.Closed)
        {
            keys.Add(RedisKeys.ReadinessOpenDay(grainKey, sealedDay.Date));
            values.Add(Date(sealedDay.Date));
            values.Add(payloads.Write(sealedDay));
        }
        values.Add(change.Announced.Count);
        values.AddRange(change.Announced.Select(d => (RedisValue)Date(d)));
        values.Add(change.Pended.Count);
        foreach (var restatement in change.Pended)
        {
            values.Add(restatement.Key);
            values.Add(payloads.Write(restatement));
        }
        values.Add(change.Resolved.Count);
        values.AddRange(change.Resolved.Select(k => (RedisValue)k));
        return (keys.ToArray(), values.ToArray());
    }

    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly ParseDate(RedisValue date) => DateOnly.ParseExact((string)date!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
