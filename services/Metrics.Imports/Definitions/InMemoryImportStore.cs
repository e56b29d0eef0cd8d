using System.Collections.Concurrent;
using Metrics.Imports.Runs;

namespace Metrics.Imports.Definitions;

/// <summary>The embedded mode's import store: process memory, lost when the process ends.</summary>
internal sealed class InMemoryImportStore : IImportStore
{
    private readonly ConcurrentDictionary<(string Project, string ImportId), ImportDefinition> _imports = new();
    private readonly ConcurrentDictionary<(string Project, string ImportId), ConcurrentDictionary<string, ImportRunState>> _runs = new();

    public Task<IReadOnlyList<ImportDefinition>> ImportsAsync(string project) =>
        Task.FromResult<IReadOnlyList<ImportDefinition>>(_imports.Where(i => i.Key.Project == project).Select(i => i.Value).ToArray());

    public Task<IReadOnlyList<ImportRunState>> RunsAsync(string project, string importId) =>
        Task.FromResult<IReadOnlyList<ImportRunState>>(_runs.TryGetValue((project, importId), out var runs) ? runs.Values.ToArray() : []);

    public Task SaveImportAsync(string project, ImportDefinition definition)
    {
        _imports[(project, definition.ImportId)] = definition;
        return Task.CompletedTask;
    }

    public Task DeleteImportAsync(string project, string importId)
    {
        _imports.TryRemove((project, importId), out _);
        _runs.TryRemove((project, importId), out _);
        return Task.CompletedTask;
    }

    public Task SaveRunAsync(string project, ImportRunState run)
    {
        var runs = _runs.GetOrAdd((project, run.ImportId), _ => new());
        runs[run.RunId] = run;
        foreach (var old in runs.Values.OrderByDescending(r => r.StartedAt).Skip(IImportStore.MaxRunsKept))
            runs.TryRemove(old.RunId, out _);
        return Task.CompletedTask;
    }
}
