using Metrics.Imports.Runs;

namespace Metrics.Imports.Definitions;

/// <summary>Where a project's import definitions and run history are kept: process memory, or Redis.</summary>
public interface IImportStore
{
    Task<IReadOnlyList<ImportDefinition>> ImportsAsync(string project);

    /// <summary>The runs of one import, at most <see cref="MaxRunsKept"/>, in no particular order.</summary>
    Task<IReadOnlyList<ImportRunState>> RunsAsync(string project, string importId);

    Task SaveImportAsync(string project, ImportDefinition definition);

    /// <summary>Forgets the import and its runs.</summary>
    Task DeleteImportAsync(string project, string importId);

    /// <summary>Stores the run as it is now, and forgets the oldest runs beyond <see cref="MaxRunsKept"/>.</summary>
    Task SaveRunAsync(string project, ImportRunState run);

    public const int MaxRunsKept = 100;
}
