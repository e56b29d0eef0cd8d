using Metrics.Imports.Runs;

namespace Metrics.Storage.Redis;

/// <summary>
/// An import's run lease as Redis keeps it — a hash (<see cref="RedisKeys.ImportRunLease"/>) of the activation that
/// holds it, the run, and the expiry in Unix milliseconds of the holder's clock — and the scripts that take it, renew
/// it, store a run under it and fail an orphaned run: each checks the lease and writes in one step, one round trip.
/// </summary>
internal static class StoredRunLeases
{
    public const string Owner = "owner";
    public const string Run = "run";
    public const string Expires = "expires";

    /// <summary>The acquire's reply when it took the lease.</summary>
    public const int Taken = 1;

    /// <summary>The acquire's reply when another owner's lease is live: <c>{Refused, owner, run, expires}</c>, nothing written.</summary>
    public const int Refused = 0;

    /// <summary>The acquire's reply when the import is no longer defined: nothing written.</summary>
    public const int ImportGone = 2;

    /// <summary>A renewal's or a save's reply when the caller still held the lease and the write was done.</summary>
    public const int Kept = 1;

    /// <summary>A renewal's or a save's reply when the lease is not the caller's any more: nothing written.</summary>
    public const int Lost = 0;

    /// <summary>The orphan's failure was stored, and its lease dropped.</summary>
    public const int OrphanFailed = 1;

    /// <summary>The run's lease is live: its activation is running it, nothing written.</summary>
    public const int LeaseLive = 0;

    /// <summary>The stored run has ended (or is gone) since it was read: nothing written.</summary>
    public const int RunEnded = 2;

    /// <summary>How a run's status reads in its stored JSON (an enum is its number).</summary>
    private const string StatusField = nameof(ImportRunState.Status);
    private const int Succeeded = (int)ImportRunStatus.Succeeded;
    private const int Failed = (int)ImportRunStatus.Failed;

    /// <summary>
    /// KEYS: the lease, the project's imports; ARGV: owner, run, expiry, now, the import. Taken unless the import is
    /// gone or another owner holds a lease that expires after now.
    /// </summary>
    public static readonly string Acquire = $$"""
        if redis.call('HEXISTS', KEYS[2], ARGV[5]) == 0 then return {{{ImportGone}}} end
        local held = redis.call('HMGET', KEYS[1], '{{Owner}}', '{{Run}}', '{{Expires}}')
        if held[1] and held[1] ~= ARGV[1] and tonumber(held[3]) > tonumber(ARGV[4]) then
          return {{{Refused}}, held[1], held[2], held[3]}
        end
        redis.call('HSET', KEYS[1], '{{Owner}}', ARGV[1], '{{Run}}', ARGV[2], '{{Expires}}', ARGV[3])
        return {{{Taken}}}
        """;

    /// <summary>KEYS[1] the lease, ARGV[1] the owner, ARGV[2] the run: ends the script with <see cref="Lost"/> unless they hold it.</summary>
    private static readonly string CheckHeld = $"""
        local held = redis.call('HMGET', KEYS[1], '{Owner}', '{Run}')
        if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return {Lost} end
        """;

    /// <summary>KEYS[1] the lease; ARGV: owner, run, new expiry.</summary>
    public static readonly string Renew = $"""
        {CheckHeld}
        redis.call('HSET', KEYS[1], '{Expires}', ARGV[3])
        return {Kept}
        """;

    /// <summary>KEYS[1] the lease; ARGV: owner, run. Dropped if they hold it.</summary>
    public static readonly string Release = $"""
        {CheckHeld}
        redis.call('DEL', KEYS[1])
        return {Kept}
        """;

    /// <summary>KEYS: the lease, the import's runs; ARGV: owner, run, the run as JSON, <c>1</c> when it has ended (the lease is released).</summary>
    public static readonly string Save = $"""
        {CheckHeld}
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
        if ARGV[4] == '1' then redis.call('DEL', KEYS[1]) end
        return {Kept}
        """;

    /// <summary>
    /// KEYS: the lease, the import's runs; ARGV: run, the failed run as JSON, now. Stores the failure unless the run's
    /// lease is live or the stored run has ended, and drops the lease if it is that run's.
    /// </summary>
    public static readonly string FailOrphan = $$"""
        local held = redis.call('HMGET', KEYS[1], '{{Run}}', '{{Expires}}')
        if held[1] == ARGV[1] and tonumber(held[2]) > tonumber(ARGV[3]) then return {{LeaseLive}} end
        local stored = redis.call('HGET', KEYS[2], ARGV[1])
        if not stored then return {{RunEnded}} end
        local status = cjson.decode(stored)['{{StatusField}}']
        if status == {{Succeeded}} or status == {{Failed}} then return {{RunEnded}} end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        if held[1] == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return {{OrphanFailed}}
        """;
}
