namespace Metrics.Imports.Runs;

[GenerateSerializer]
public enum ImportRunStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
}

/// <summary>One problem of a run: a row (its number in what the source returned for its day, 0 for none), a column, why.</summary>
[GenerateSerializer, Immutable]
public sealed record ImportRowError(long Row, string Column, string Reason, string Date);

/// <summary>
/// A run of an import as it stands; replaced, never changed, as the run goes on. A scheduled run names the tick of
/// the schedule it is (<see cref="ScheduledFor"/>), so that one tick makes one run however often it is looked at.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ImportRunState(
    string ImportId,
    string RunId,
    ImportRunStatus Status,
    string FromDate,
    string ToDate,
    long RowsRead,
    long RowsApplied,
    long RowsRejected,
    int DaysLoaded,
    int DaysUnchanged,
    int DaysRestated,
    ImportRowError[] Errors,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string Message,
    string Trigger,
    DateTimeOffset? ScheduledFor = null)
{
    public const string Manual = "manual";
    public const string Scheduled = "schedule";

    /// <summary>The run keeps its first errors only.</summary>
    public const int MaxErrors = 100;

    public bool Ended => Status is ImportRunStatus.Succeeded or ImportRunStatus.Failed;
}
