using Metrics.Imports.Definitions;
using Metrics.Imports.Runs;

namespace Metrics.Imports;

/// <summary>A project's imports and their runs, keyed by the project's name. At most one run per import at a time.</summary>
public interface IImportsGrain : IGrainWithStringKey
{
    /// <summary>Stores the import; refuses (<see cref="ImportRefusal"/>) an invalid definition or a taken ID.</summary>
    Task<ImportAnswer<ImportView>> Create(ImportDefinition definition);

    /// <summary>Every import, by ID, with its newest run.</summary>
    Task<ImportView[]> List();

    Task<ImportAnswer<ImportView>> Get(string importId);

    /// <summary>Forgets the import and releases the metric names it owns; the data it loaded stays.</summary>
    Task<ImportAnswer<bool>> Delete(string importId);

    /// <summary>Starts a run over the window (empty: the import's lookback ending yesterday) and answers at once.</summary>
    Task<ImportAnswer<ImportRunState>> Run(string importId, string fromDate, string toDate);

    /// <summary>The import's runs, newest first.</summary>
    Task<ImportAnswer<ImportRunState[]>> Runs(string importId);

    Task<ImportAnswer<ImportRunState>> GetRun(string importId, string runId);

    /// <summary>
    /// Starts a run of each scheduled import whose latest tick has no run yet (a tick before the import was created
    /// has none). The project's reminder calls it; after an outage only the latest missed tick runs.
    /// </summary>
    Task CheckSchedules();
}

/// <summary>An import with its newest run.</summary>
[GenerateSerializer, Immutable]
public sealed record ImportView(ImportDefinition Definition, ImportRunState? LastRun);

/// <summary>An answer, or why there is none: the kind of refusal, the field it concerns, and a sentence for the client.</summary>
[GenerateSerializer, Immutable]
public sealed record ImportAnswer<T>(T? Value, ImportRefusal? Refusal = null, string Field = "", string Message = "");

[GenerateSerializer]
public enum ImportRefusal
{
    Invalid,
    NotFound,
    AlreadyExists,
    /// <summary>A run of the import is under way.</summary>
    Busy,
}
