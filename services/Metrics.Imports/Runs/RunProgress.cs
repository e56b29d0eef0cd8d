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

    public void Running() => Move(ImportRunStatus.Running, "", null);

    public void End(ImportRunStatus status, string message, DateTimeOffset finishedAt) => Move(status, message, finishedAt);

    private void Move(ImportRunStatus status, string message, DateTimeOffset? finishedAt)
    {
        _state = _state with { Status = status, Message = message, FinishedAt = finishedAt };
        Changed();
    }
}
