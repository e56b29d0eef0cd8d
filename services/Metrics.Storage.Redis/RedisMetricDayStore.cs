using Metrics.Grains;
using Metrics.Grains.MetricDays;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// The Redis deployment's metric-day store. A write is one Lua script that checks the day's version and then,
/// for an append, pushes the slice onto the day's journal and adds it to the project's Logstream — the
/// Logstream's own script, which the append extends — so a slice is either stored and visible, or neither, and
/// its cost never grows with the day. The seal — and an import's load or restatement — replaces the journal with
/// the compact snapshot, in chunks of bounded size: staged first, then made the day's snapshot by one script, which
/// for a restatement also keeps the superseded version.
/// </summary>
internal sealed class RedisMetricDayStore(
    IConnectionMultiplexer redis, RedisLogstream logstream, IOptions<SealedDayStorageOptions> sealedDays)
    : IMetricDayStore
{
    private const string Version = "version";
    private const string SealedChunks = "sealed-chunks";

    /// <summary>The version check refused the write: the Logstream's refused prelude, as for an append.</summary>
    private const int Conflict = RedisLogstream.PreludeRefused;

    /// <summary>The seal's reply when it made the staged chunks the sealed state; an append's is <see cref="RedisLogstream.Appended"/>.</summary>
    private const int Sealed = 1;

    /// <summary>The seal's reply when the staged chunks expired before it: distinct from both successes.</summary>
    private const int StagingIncomplete = 2;

    /// <summary>The reply to an import's load whose run no longer holds the import's lease: nothing written.</summary>
    private const int LeaseLost = 3;

    /// <summary>Chunks read from Redis at once when a sealed day loads.</summary>
    private const int ChunksPerRead = 16;

    /// <summary>A staged snapshot that no seal took by then is an attempt that died: Redis drops it.</summary>
    private static readonly TimeSpan StagingExpiry = TimeSpan.FromHours(1);

    private static readonly string CheckVersion = $$"""
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if version ~= tonumber(ARGV[1]) then return {{{Conflict}}, version} end
        """;

    /// <summary>Runs before the Logstream entry is added, in the same script: KEYS[1] head, KEYS[2] journal, ARGV[1] expected version.</summary>
    private static readonly RedisLogstreamPrelude Append = new($"""
        {CheckVersion}
        redis.call('RPUSH', KEYS[2], slice)
        redis.call('HSET', KEYS[1], 'version', version + 1)
        """, KeyCount: 2, ArgumentCount: 1);

    /// <summary>
    /// KEYS: head, journal, the attempt's staged chunks, the snapshot's chunks, the earlier versions, and for an
    /// import's load its run lease; ARGV: the expected version, the number of chunks staged, the superseded version's
    /// record (empty: none), and for a load the lease's owner and run. A conflict, staged chunks that expired, or a
    /// lease that is not the load's run's any more, drop the attempt's chunks and write nothing.
    /// </summary>
    private static readonly string Seal = $$"""
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if version ~= tonumber(ARGV[1]) then
          redis.call('DEL', KEYS[3])
          return {{{Conflict}}, version}
        end
        if KEYS[6] then
          local held = redis.call('HMGET', KEYS[6], '{{StoredRunLeases.Owner}}', '{{StoredRunLeases.Run}}')
          if held[1] ~= ARGV[4] or held[2] ~= ARGV[5] then
            redis.call('DEL', KEYS[3])
            return {{{LeaseLost}}, version}
          end
        end
        if redis.call('LLEN', KEYS[3]) ~= tonumber(ARGV[2]) then
          redis.call('DEL', KEYS[3])
          return {{{StagingIncomplete}}, version}
        end
        redis.call('RENAME', KEYS[3], KEYS[4])
        redis.call('PERSIST', KEYS[4])
        redis.call('HSET', KEYS[1], 'version', version + 1, '{{SealedChunks}}', ARGV[2])
        redis.call('DEL', KEYS[2])
        if ARGV[3] ~= '' then redis.call('RPUSH', KEYS[5], ARGV[3]) end
        return {{{Sealed}}, version + 1}
        """;

    private IDatabase Db => redis.GetDatabase();

    public async Task<MetricDayLog> LoadAsync(MetricDayId id)
    {
        var read = Db.CreateTransaction();
        var head = read.HashGetAllAsync(RedisKeys.MetricDayHead(id));
        var journal = read.ListRangeAsync(RedisKeys.MetricDayJournal(id));
        await RedisGuard.Call(() => read.ExecuteAsync());
        var fields = (await head).ToDictionary(f => (string)f.Name!, f => f.Value);
        var version = fields.TryGetValue(Version, out var v) ? (long)v : 0;
        var sealedDay = fields.TryGetValue(SealedChunks, out var chunks) ? await LoadSealedAsync(id, (int)chunks) : null;
        return new MetricDayLog(version, sealedDay, (await journal).Select(s => StoredSlices.Read((byte[])s!)).ToArray());
    }

    public async Task AppendAsync(MetricDayId id, long expectedVersion, MetricSlice slice) => ThrowOnFailure(id, expectedVersion,
        await logstream.AppendAsync(id, slice, Append, [RedisKeys.MetricDayHead(id), RedisKeys.MetricDayJournal(id)], [expectedVersion]));

    public async Task SaveSnapshotAsync(
        MetricDayId id, long expectedVersion, MetricDaySnapshot sealedDay, MetricDayVersionRecord? supersedes = null, ImportRunFence? fence = null)
    {
        var chunks = StoredSealedDays.Write(sealedDay, sealedDays.Value.ChunkBytes);
        var staging = RedisKeys.MetricDaySealing(id, Guid.NewGuid());
        foreach (var chunk in chunks)
        {
            var push = Db.CreateTransaction();
            _ = push.ListRightPushAsync(staging, chunk);
            _ = push.KeyExpireAsync(staging, StagingExpiry);
            await RedisGuard.Call(() => push.ExecuteAsync());
        }
        RedisKey[] keys = [RedisKeys.MetricDayHead(id), RedisKeys.MetricDayJournal(id), staging, RedisKeys.MetricDaySealed(id), RedisKeys.MetricDayVersions(id)];
        RedisValue[] values = [expectedVersion, chunks.Count, supersedes is null ? RedisValue.EmptyString : JsonSerializer.Serialize(supersedes)];
        if (fence is not null)
            (keys, values) = ([.. keys, RedisKeys.ImportRunLease(id.Project, fence.ImportId)], [.. values, fence.Owner, fence.RunId]);
        await WriteAsync(id, Seal, keys, values, fence);
    }

    public async Task<IReadOnlyList<MetricDayVersionRecord>> EarlierVersionsAsync(MetricDayId id) =>
        (await RedisGuard.Call(() => Db.ListRangeAsync(RedisKeys.MetricDayVersions(id))))
        .Select(v => JsonSerializer.Deserialize<MetricDayVersionRecord>((string)v!)!)
        .ToArray();

    public async Task<long> VersionAsync(MetricDayId id) =>
        (long)await RedisGuard.Call(() => Db.HashGetAsync(RedisKeys.MetricDayHead(id), Version));

    /// <summary>A sealed snapshot never changes: its chunks are read a few at a time, after the head that counts them.</summary>
    private async Task<MetricDaySnapshot> LoadSealedAsync(MetricDayId id, int chunks)
    {
        var stored = new List<byte[]>(chunks);
        for (var start = 0; start < chunks; start += ChunksPerRead)
        {
            var read = await RedisGuard.Call(() => Db.ListRangeAsync(RedisKeys.MetricDaySealed(id), start, Math.Min(start + ChunksPerRead, chunks) - 1));
            stored.AddRange(read.Select(c => (byte[])c!));
        }
        if (stored.Count != chunks)
            throw new InvalidDataException($"{id}: the sealed snapshot has {stored.Count} chunks in Redis, the head counts {chunks}");
        return StoredSealedDays.Read(stored);
    }

    private async Task WriteAsync(MetricDayId id, string script, RedisKey[] keys, RedisValue[] values, ImportRunFence? fence)
    {
        var reply = (RedisResult[])(await RedisGuard.Call(() => Db.ScriptEvaluateAsync(script, keys, values)))!;
        ThrowOnFailure(id, (long)values[0], reply, fence);
    }

    private static void ThrowOnFailure(MetricDayId id, long expectedVersion, RedisResult[] reply, ImportRunFence? fence = null)
    {
        switch ((int)reply[0])
        {
            case Conflict:
                throw new StoreConflictException($"{id}: expected version {expectedVersion}, found {(long)reply[1]}");
            case StagingIncomplete:
                throw new StorageUnavailableException($"{id}: the sealed snapshot's staged chunks expired before the seal");
            case LeaseLost:
                throw new RunLeaseLostException($"{id}: run {fence!.RunId} of import {fence.ImportId} no longer holds its lease");
        }
    }
}
