namespace Metrics.Imports.Runs;

/// <summary>The counts of a run as it goes; <see cref="State"/> is what it looks like now.</summary>
internal sealed class RunProgress(ImportRunState start)
{
    private readonly List<ImportRowError> _errors = [];
    private ImportRunState _state = start;

    public long RowsRead;
    public long RowsApplied;
    public long RowsRejected;
    public int DaysLoaded;
    public int DaysUnchanged;
    public int DaysRestated;

    /// <summary>Rises with every change, so that a watcher knows when there is news.</summary>
    public int Changes { get; private set; }

    public void Error(ImportRowError error)
    {
        if (_errors.Count < ImportRunState.MaxErrors)
            _errors.Add(error);
    }

    public void Changed() => Changes++;

    public ImportRunState State => _state with
    {
        RowsRead = RowsRead,
        RowsApplied = RowsApplied,
        RowsRejected = RowsRejected,
        DaysLoaded = DaysLoaded,
        DaysUnchanged = DaysUnchanged,
        DaysRestated = DaysRestated,
        Errors = _errors.ToArray(),
    };

    /// <summary>
    /// <see cref="State"/> as answered while the run is still this activation's run under way: its end is shown once
    /// stored and the import let go, not before, for until then a new run of the import is refused as busy.
    /// </summary>
    public ImportRunState UnderWay => State is { Ended: true } ended
        ? ended with { Status = ImportRunStatus.Running, Message = "", FinishedAt = null }
        : State;

    public void Running() => Move(ImportRunStatus.Running, "", null);

    public void End(ImportRunStatus status, string message, DateTimeOffset finishedAt) => Move(status, message, finishedAt);

    private void Move(ImportRunStatus status, string message, DateTimeOffset? finishedAt)
    {
        _state = _state with { Status = status, Message = message, FinishedAt = finishedAt };
        Changed();
    }
}
