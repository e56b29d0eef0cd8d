using System.Text.Json;
using Metrics.Imports.Definitions;
using Metrics.Imports.Runs;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// The Redis deployment's import definitions and run history: a hash per project (import ID to the definition as
/// JSON) and a hash per import (run ID to the run as JSON), so that they survive every node's restart; and a hash per
/// import for its run lease, which every write of a run checks in the same script (<see cref="StoredRunLeases"/>).
/// </summary>
internal sealed class RedisImportStore(IConnectionMultiplexer redis) : IImportStore
{
    private IDatabase Db => redis.GetDatabase();

    public async Task<IReadOnlyList<ImportDefinition>> ImportsAsync(string project) =>
        (await RedisGuard.Call(() => Db.HashValuesAsync(RedisKeys.Imports(project))))
        .Select(v => JsonSerializer.Deserialize<ImportDefinition>((string)v!)!)
        .ToArray();

    public async Task<IReadOnlyList<ImportRunState>> RunsAsync(string project, string importId) =>
        (await RedisGuard.Call(() => Db.HashValuesAsync(RedisKeys.ImportRuns(project, importId))))
        .Select(v => JsonSerializer.Deserialize<ImportRunState>((string)v!)!)
        .ToArray();

    public Task<bool> AddImportAsync(string project, ImportDefinition definition) =>
        RedisGuard.Call(() => Db.HashSetAsync(RedisKeys.Imports(project), definition.ImportId, JsonSerializer.Serialize(definition), When.NotExists));

    public Task DeleteImportAsync(string project, string importId)
    {
        var delete = Db.CreateTransaction();
        _ = delete.HashDeleteAsync(RedisKeys.Imports(project), importId);
        _ = delete.KeyDeleteAsync(RedisKeys.ImportRuns(project, importId));
        _ = delete.KeyDeleteAsync(RedisKeys.ImportRunLease(project, importId));
        return RedisGuard.Call(() => delete.ExecuteAsync());
    }

    public async Task<RunLease?> AcquireLeaseAsync(string project, string importId, RunLease wanted, DateTimeOffset now)
    {
        var reply = (RedisResult[])(await RedisGuard.Call(() => Db.ScriptEvaluateAsync(StoredRunLeases.Acquire,
            [RedisKeys.ImportRunLease(project, importId), RedisKeys.Imports(project)],
            [wanted.Owner, wanted.RunId, wanted.ExpiresAt.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), importId])))!;
        return (int)reply[0] switch
        {
            StoredRunLeases.Taken => wanted,
            StoredRunLeases.ImportGone => null,
            _ => new RunLease((string)reply[1]!, (string)reply[2]!, DateTimeOffset.FromUnixTimeMilliseconds((long)reply[3])),
        };
    }

    public async Task<bool> RenewLeaseAsync(string project, string importId, RunLease renewed) =>
        (int)await RedisGuard.Call(() => Db.ScriptEvaluateAsync(StoredRunLeases.Renew,
            [RedisKeys.ImportRunLease(project, importId)], [renewed.Owner, renewed.RunId, renewed.ExpiresAt.ToUnixTimeMilliseconds()]))
        == StoredRunLeases.Kept;

    public Task ReleaseLeaseAsync(string project, string importId, RunLease lease) =>
        RedisGuard.Call(() => Db.ScriptEvaluateAsync(StoredRunLeases.Release,
            [RedisKeys.ImportRunLease(project, importId)], [lease.Owner, lease.RunId]));

    public async Task<bool> SaveRunAsync(string project, ImportRunState run, RunLease lease)
    {
        var key = RedisKeys.ImportRuns(project, run.ImportId);
        var saved = (int)await RedisGuard.Call(() => Db.ScriptEvaluateAsync(StoredRunLeases.Save,
            [RedisKeys.ImportRunLease(project, run.ImportId), key], [lease.Owner, lease.RunId, JsonSerializer.Serialize(run), run.Ended ? 1 : 0]));
        if (saved != StoredRunLeases.Kept)
            return false;
        // Run IDs begin with their start time, so the oldest sort first.
        var ids = await RedisGuard.Call(() => Db.HashKeysAsync(key));
        if (ids.Length > IImportStore.MaxRunsKept)
        {
            var oldest = ids.Select(id => (string)id!).Order(StringComparer.Ordinal).Take(ids.Length - IImportStore.MaxRunsKept);
            await RedisGuard.Call(() => Db.HashDeleteAsync(key, oldest.Select(id => (RedisValue)id).ToArray()));
        }
        return true;
    }

    public async Task<bool> FailOrphanAsync(string project, ImportRunState failed, DateTimeOffset now) =>
        (int)await RedisGuard.Call(() => Db.ScriptEvaluateAsync(StoredRunLeases.FailOrphan,
            [RedisKeys.ImportRunLease(project, failed.ImportId), RedisKeys.ImportRuns(project, failed.ImportId)],
            [failed.RunId, JsonSerializer.Serialize(failed), now.ToUnixTimeMilliseconds()]))
        == StoredRunLeases.OrphanFailed;
}
