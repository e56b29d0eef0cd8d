using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// Reads a project's Logstream stream after a position, bounded by bytes as well as entries: an entry holds a
/// whole batch (up to megabytes), so a count alone would let one read pull gigabytes when the reader lags. The
/// script takes entries one at a time and stops once their values reach the byte budget; a read returns at least
/// one entry, so it ends within one entry past the budget.
/// </summary>
internal static class LogstreamReadAhead
{
    /// <summary>KEYS[1] the stream; ARGV[1] the ID to read after; ARGV[2] the most entries; ARGV[3] the byte budget.</summary>
    private const string ReadAfterScript = """
        local entries = {}
        local bytes = 0
        local after = ARGV[1]
        local budget = tonumber(ARGV[3])
        for _ = 1, tonumber(ARGV[2]) do
          local next = redis.call('XRANGE', KEYS[1], '(' .. after, '+', 'COUNT', 1)[1]
          if not next then break end
          entries[#entries + 1] = next
          after = next[1]
          for i = 2, #next[2], 2 do bytes = bytes + #next[2][i] end
          if bytes >= budget then break end
        end
        return entries
        """;

    /// <summary>Entries after <paramref name="after"/>; <c>AtEnd</c> when they are all there were, not cut by a bound.</summary>
    public static async Task<(StreamEntry[] Entries, bool AtEnd)> ReadAfterAsync(
        IDatabase db, RedisKey stream, RedisValue after, int maxEntries, long budgetBytes)
    {
        var reply = (RedisResult[])(await db.ScriptEvaluateAsync(ReadAfterScript, [stream], [after, maxEntries, budgetBytes]))!;
        var entries = Array.ConvertAll(reply, EntryOf);
        var bytes = entries.Sum(entry => entry.Values.Sum(field => (long)field.Value.Length()));
        return (entries, entries.Length < maxEntries && bytes < budgetBytes);
    }

    private static StreamEntry EntryOf(RedisResult entry)
    {
        var parts = (RedisResult[])entry!;
        var fields = (RedisResult[])parts[1]!;
        var values = new NameValueEntry[fields.Length / 2];
        for (var i = 0; i < values.Length; i++)
            values[i] = new NameValueEntry((RedisValue)fields[2 * i], (RedisValue)fields[2 * i + 1]);
        return new StreamEntry((RedisValue)parts[0], values);
    }
}
