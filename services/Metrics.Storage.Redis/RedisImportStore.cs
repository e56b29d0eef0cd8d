using System.Text.Json;
using Metrics.Imports.Definitions;
using Metrics.Imports.Runs;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>
/// The Redis deployment's import definitions and run history: a hash per project (import ID to the definition as
/// JSON) and a hash per import (run ID to the run as JSON), so that they survive every node's restart.
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

    public Task SaveImportAsync(string project, ImportDefinition definition) =>
        RedisGuard.Call(() => Db.HashSetAsync(RedisKeys.Imports(project), definition.ImportId, JsonSerializer.Serialize(definition)));

    public Task DeleteImportAsync(string project, string importId)
    {
        var delete = Db.CreateTransaction();
        _ = delete.HashDeleteAsync(RedisKeys.Imports(project), importId);
        _ = delete.KeyDeleteAsync(RedisKeys.ImportRuns(project, importId));
        return RedisGuard.Call(() => delete.ExecuteAsync());
    }

    public async Task SaveRunAsync(string project, ImportRunState run)
    {
        var key = RedisKeys.ImportRuns(project, run.ImportId);
        await RedisGuard.Call(() => Db.HashSetAsync(key, run.RunId, JsonSerializer.Serialize(run)));
        // Run IDs begin with their start time, so the oldest sort first.
        var ids = await RedisGuard.Call(() => Db.HashKeysAsync(key));
        if (ids.Length > IImportStore.MaxRunsKept)
        {
            var oldest = ids.Select(id => (string)id!).Order(StringComparer.Ordinal).Take(ids.Length - IImportStore.MaxRunsKept);
            await RedisGuard.Call(() => Db.HashDeleteAsync(key, oldest.Select(id => (RedisValue)id).ToArray()));
        }
    }
}
