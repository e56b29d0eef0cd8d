namespace Metrics.Grains.MetricDays;

/// <summary>
/// Makes the <see cref="Rows"/> rows staged under <see cref="LoadId"/> the day's content from <see cref="ImportId"/>:
/// on an open day they replace what the day held of their kind (production, or test when <see cref="IsTest"/>); on
/// a sealed day, only with <see cref="Restate"/>, they become a new sealed version whose cause is <see cref="Cause"/>
/// (a metric new to a day sealed before is sealed by its load, its version 1). Either is written only while the
/// run's lease, <see cref="Fence"/>, holds the import, and only if the grain holds every row staged (none is a load
/// of no rows: every row of the metric on that day was invalid).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LoadCommit(
    Guid LoadId,
    long Rows,
    LoadFingerprint Fingerprint,
    bool IsTest,
    DateTimeOffset LoadedAt,
    bool Restate,
    string Cause,
    ImportRunFence Fence)
{
    public string ImportId => Fence.ImportId;
}

[GenerateSerializer]
public enum LoadOutcome
{
    /// <summary>The day's open content is the load now.</summary>
    Loaded,
    /// <summary>The sealed day has a new version made of the load.</summary>
    Restated,
    /// <summary>
    /// The day is sealed and the commit did not ask to restate (its rows stay staged, for a restatement or a discard),
    /// or its sealed version is this load already: nothing changed.
    /// </summary>
    Sealed,
    /// <summary>The staged rows are not all held (the grain was activated afresh since, or they expired): stage them again.</summary>
    StagingLost,
    /// <summary>The run's lease no longer holds the import (another activation took it over): nothing changed.</summary>
    LeaseLost,
}
