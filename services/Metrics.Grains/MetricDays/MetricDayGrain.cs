using Microsoft.Extensions.Logging;
using Metrics.Domain;
using Metrics.Grains.Logstream;
using Metrics.Grains.Telemetry;

namespace Metrics.Grains.MetricDays;

/// <summary>
/// Collects one metric's values for one Pacific day: per-unit totals in memory, each accepted slice appended to
/// the store before the call answers. Once sealed, the final aggregates never change, but for an import's
/// restatement, which makes a new version and keeps the earlier ones.
/// </summary>
public sealed partial class MetricDayGrain(IMetricDayStore store, ILogstreamWriter logstream, TimeProvider clock, ILogger<MetricDayGrain> logger)
    : Grain, IMetricDayGrain, ISpanAttributes
{
    /// <summary>The cause of a first seal's version.</summary>
    public const string SealCause = "seal";

    private MetricDayId _id;
    private long _version;
    private MetricDayUnits _units = null!;
    /// <summary>The idempotency key of each slice held, with the fingerprint of the request it came with.</summary>
    private readonly Dictionary<string, string> _appliedKeys = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastIngestedAt;
    private Sealed? _sealed;
    private (string ImportId, LoadFingerprint Fingerprint)? _loaded;
    private readonly Dictionary<Guid, StagedLoad> _staged = [];

    /// <summary>The export's order of the production units' positions, sorted when a sealed day is first exported rather than at the seal.</summary>
    private int[]? _exportOrder;

    private sealed record Sealed(DateTimeOffset FinalizedAt, DayAggregates Production, int Version, DateTimeOffset? RestatedAt, string Cause);

    /// <summary>A load staged, and when it was last added to: one no chunk or commit came to for <see cref="StagingExpiry"/> is dropped.</summary>
    private sealed record StagedLoad(MetricDayTotals Totals, List<UnitRow[]> Chunks)
    {
        public DateTimeOffset TouchedAt { get; set; }
    }

    /// <summary>
    /// How long a staged load is kept without a chunk or its commit: its run died (its node killed, its lease lost
    /// before it could discard). A run's chunks come seconds apart; a commit after the expiry finds
    /// <see cref="LoadOutcome.StagingLost"/> and its run fails, asking to run again.
    /// </summary>
    internal static readonly TimeSpan StagingExpiry = TimeSpan.FromMinutes(15);

    private IGrainTimer? _stagingExpiry;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = MetricDayId.Parse(this.GetPrimaryKeyString());
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var log = await store.LoadAsync(_id);
        _version = log.Version;
        _units = new MetricDayUnits();
        _appliedKeys.Clear();
        _lastIngestedAt = null;
        _sealed = null;
        _loaded = null;
        _exportOrder = null;
        if (log.Snapshot is { } snapshot)
        {
            _units = new MetricDayUnits(snapshot.Production.ToTotals(), snapshot.Test.ToTotals());
            _lastIngestedAt = snapshot.LastIngestedAt;
            foreach (var (key, fingerprint) in snapshot.AppliedKeys.Zip(snapshot.AppliedFingerprints))
                _appliedKeys[key] = fingerprint;
            if (snapshot is { LoadedBy: { } importId, Loaded: { } loaded })
                _loaded = (importId, loaded);
            if (snapshot.FinalizedAt is { } finalizedAt)
                _sealed = SealedView(finalizedAt, Math.Max(snapshot.SealVersion, 1), snapshot.RestatedAt, snapshot.VersionCause ?? SealCause);
        }
        foreach (var slice in log.Slices)
            Accumulate(slice);
    }

    void ISpanAttributes.Describe(System.Diagnostics.Activity span) => span
        .SetTag(SpanAttributes.Project, _id.Project)
        .SetTag(SpanAttributes.Metric, _id.MetricName)
        .SetTag(SpanAttributes.Day, _id.Day.ToString());

    public async Task<SliceOutcome> Apply(MetricSlice slice)
    {
        if (_sealed is not null)
            return SliceOutcome.Sealed;
        if (slice.IdempotencyKey is { } key && Holds(key, slice.RequestFingerprint))
            return SliceOutcome.AlreadyApplied;

        await WriteAsync(() => store.AppendAsync(_id, _version, slice));
        Accumulate(slice);
        return SliceOutcome.Applied;
    }

    public async Task Seal()
    {
        if (_sealed is not null)
            return;
        var finalizedAt = clock.GetUtcNow();
        await WriteAsync(() => store.SaveSnapshotAsync(_id, _version, Snapshot(_units, finalizedAt, 1, null, SealCause)));
        _sealed = SealedView(finalizedAt, 1, null, SealCause);
    }

    public async Task<bool> HoldsSlice(string idempotencyKey, string fingerprint)
    {
        await RefreshIfStaleAsync();
        return Holds(idempotencyKey, fingerprint);
    }

    /// <summary>
    /// Before a read of an open day: two activations can live for a while during a membership change, and one that
    /// missed the other's seal or slices must not answer with the older day. A sealed day changes only by a
    /// restatement, which goes through the activation the import run calls; it is checked too.
    /// </summary>
    private async Task RefreshIfStaleAsync()
    {
        if (await store.VersionAsync(_id) == _version)
            return;
        await LoadAsync();
        // Another activation writes this day: this one makes way, so that calls find one activation again.
        DeactivateOnIdle();
    }

    /// <summary>A key reused for another request after its retention is not that request's retry: its slice is new.</summary>
    private bool Holds(string key, string fingerprint) =>
        _appliedKeys.TryGetValue(key, out var remembered) && string.Equals(remembered, fingerprint, StringComparison.Ordinal);

    /// <summary>Test records never count in production: a day holding only them has no production view.</summary>
    public async Task<MetricDayView?> View(bool includeTest)
    {
        await RefreshIfStaleAsync();
        if (_units.View(includeTest) is not { } view)
            return null;
        var aggregates = !includeTest && _sealed is not null ? _sealed.Production : view.Aggregates;
        return new MetricDayView(
            _sealed is not null,
            view.IsRatio,
            aggregates.Overall,
            aggregates.ByIdType.ToArray(),
            _sealed?.FinalizedAt,
            _lastIngestedAt,
            _sealed?.Version ?? 0,
            _sealed?.RestatedAt);
    }

    public async Task<ExportPage> Export(int offset, int count)
    {
        await RefreshIfStaleAsync();
        var production = _units.Production;
        if (production.Rows == 0)
            return new ExportPage(ExportStatus.NoData, []);
        if (_sealed is null)
            return new ExportPage(ExportStatus.Open, []);
        _exportOrder ??= production.OrderedPositions();
        var rows = _exportOrder.Skip(offset).Take(count).Select(position =>
        {
            var (unit, totals) = production.UnitAt(position);
            return new UnitValueRow(unit.IdType, unit.UserId, totals.Value, totals.Numerator, totals.Denominator, totals.Rows);
        });
        return new ExportPage(ExportStatus.Finalized, rows.ToArray(), _sealed.Version);
    }

    public async Task<MetricDayVersionView[]> Versions()
    {
        await RefreshIfStaleAsync();
        if (_sealed is not { } current)
            return [];
        var earlier = await store.EarlierVersionsAsync(_id);
        return earlier
            .Select(v => new MetricDayVersionView(v.Version, v.Overall, v.ByIdType, v.FinalizedAt, v.Cause))
            .Append(new MetricDayVersionView(current.Version, current.Production.Overall, current.Production.ByIdType.ToArray(),
                current.RestatedAt ?? current.FinalizedAt, current.Cause))
            .ToArray();
    }

    public async Task<MetricDayContent> Content()
    {
        await RefreshIfStaleAsync();
        return new MetricDayContent(
            _sealed is not null,
            _sealed?.Version ?? 0,
            _loaded?.ImportId,
            _loaded?.Fingerprint,
            Held(_units.Production),
            Held(_units.Test));
    }

    public Task StageLoad(Guid loadId, UnitRow[] rows, long expectedUnits = 0)
    {
        DropExpiredLoads();
        if (!_staged.TryGetValue(loadId, out var staged))
        {
            // Sized for at most so many units: a source's rows are its units at most, but a count is not trusted with more.
            _staged[loadId] = staged = new StagedLoad(new MetricDayTotals((int)Math.Clamp(expectedUnits, 0, MaxPresizedUnits)), []);
            _stagingExpiry ??= this.RegisterGrainTimer(() =>
            {
                DropExpiredLoads();
                return Task.CompletedTask;
            }, StagingExpiry, StagingExpiry);
        }
        for (var i = 0; i < rows.Length; i++)
        {
            if (i + MetricDayTotals.PrefetchDistance < rows.Length)
                staged.Totals.Prefetch(rows[i + MetricDayTotals.PrefetchDistance].Unit);
            staged.Totals.Add(rows[i].Unit, rows[i].Measurement);
        }
        if (rows.Length > 0)
            staged.Chunks.Add(rows); // none: its run touches it, reading on; no empty entry for the Logstream
        staged.TouchedAt = clock.GetUtcNow();
        return Task.CompletedTask;
    }

    /// <summary>The most units a staged load is sized for before its rows come (about 64 MB of entries and slots).</summary>
    private const int MaxPresizedUnits = 1 << 20;

    public Task DiscardLoad(Guid loadId)
    {
        _staged.Remove(loadId);
        return Task.CompletedTask;
    }

    /// <summary>Checked on a timer while loads are staged, and at each staging call.</summary>
    private void DropExpiredLoads()
    {
        var now = clock.GetUtcNow();
        foreach (var (loadId, staged) in _staged)
            if (now - staged.TouchedAt >= StagingExpiry)
                _staged.Remove(loadId);
        if (_staged.Count == 0)
        {
            _stagingExpiry?.Dispose();
            _stagingExpiry = null;
        }
    }

    public async Task<LoadOutcome> CommitLoad(LoadCommit commit)
    {
        DropExpiredLoads();
        // Every row the run staged must be here: a chunk staged in an activation that ended since is not.
        if (!_staged.Remove(commit.LoadId, out var staged))
        {
            if (commit.Rows != 0)
                return LoadOutcome.StagingLost;
            staged = new StagedLoad(new MetricDayTotals(), []);
        }
        else if (staged.Totals.Rows != commit.Rows)
        {
            return LoadOutcome.StagingLost;
        }
        await RefreshIfStaleAsync();
        // A test import never restates: a sealed day's versions are about its production aggregates. Nor does a load
        // the sealed day already holds: two runs that compared fingerprints before either swapped in (two
        // activations of the imports grain) make one version, not two.
        if (_sealed is not null && (!commit.Restate || commit.IsTest || _loaded == (commit.ImportId, commit.Fingerprint)))
        {
            // A load admitted to an open day and sealed since is kept: its run may commit it again as a restatement.
            if (!commit.Restate)
                _staged[commit.LoadId] = staged;
            return LoadOutcome.Sealed;
        }

        var units = commit.IsTest
            ? new MetricDayUnits(_units.Production, staged.Totals)
            : new MetricDayUnits(staged.Totals, _units.Test);
        var lastIngestedAt = _lastIngestedAt > commit.LoadedAt ? _lastIngestedAt : commit.LoadedAt;
        MetricDaySnapshot snapshot;
        MetricDayVersionRecord? supersedes = null;
        if (_sealed is { } current)
        {
            snapshot = Snapshot(units, current.FinalizedAt, current.Version + 1, commit.LoadedAt, commit.Cause, lastIngestedAt, commit);
            supersedes = new MetricDayVersionRecord(current.Version, current.Production.Overall, current.Production.ByIdType.ToArray(),
                current.RestatedAt ?? current.FinalizedAt, current.Cause);
        }
        else if (commit.Restate)
        {
            // A metric new to a day sealed before: sealed by its load in the same write, never open on a sealed day.
            snapshot = Snapshot(units, commit.LoadedAt, 1, null, commit.Cause, lastIngestedAt, commit);
        }
        else
        {
            snapshot = Snapshot(units, null, 0, null, null, lastIngestedAt, commit);
        }
        try
        {
            await WriteAsync(() => store.SaveSnapshotAsync(_id, _version, snapshot, supersedes, commit.Fence));
        }
        catch (RunLeaseLostException)
        {
            return LoadOutcome.LeaseLost;
        }

        _units = units;
        _lastIngestedAt = lastIngestedAt;
        _loaded = (commit.ImportId, commit.Fingerprint);
        _exportOrder = null;
        if (_sealed is { } before)
        {
            _sealed = SealedView(before.FinalizedAt, before.Version + 1, commit.LoadedAt, commit.Cause);
            LogRestated(_id.Project, _id.MetricName, _id.Day.ToString(), before.Version + 1, commit.ImportId);
        }
        else if (commit.Restate)
        {
            _sealed = SealedView(commit.LoadedAt, 1, null, commit.Cause);
            LogRestated(_id.Project, _id.MetricName, _id.Day.ToString(), 1, commit.ImportId);
        }
        var source = LogstreamBatch.ImportSource(commit.ImportId);
        // Appended all at once, in order: each waits for its own round trip, not for the chunks' before it.
        await Task.WhenAll(staged.Chunks.Select(chunk =>
            logstream.AppendAsync(new LogstreamBatch(_id.Project, _id.MetricName, _id.Day.ToString(), commit.IsTest, commit.LoadedAt, chunk, Source: source))).ToList());
        return _sealed is null ? LoadOutcome.Loaded : LoadOutcome.Restated;
    }

    private MetricDaySnapshot Snapshot(
        MetricDayUnits units, DateTimeOffset? finalizedAt, int sealVersion, DateTimeOffset? restatedAt, string? cause,
        DateTimeOffset? lastIngestedAt = null, LoadCommit? load = null)
    {
        var applied = _appliedKeys.ToArray();
        return new MetricDaySnapshot(
            finalizedAt, lastIngestedAt ?? _lastIngestedAt, UnitSnapshot.Of(units.Production), UnitSnapshot.Of(units.Test),
            applied.Select(a => a.Key).ToArray(), applied.Select(a => a.Value).ToArray(),
            sealVersion, restatedAt, load?.ImportId ?? _loaded?.ImportId, load?.Fingerprint ?? _loaded?.Fingerprint, cause);
    }

    private static LoadFingerprint Held(MetricDayTotals totals)
    {
        var overall = totals.Provisional().Overall;
        return new LoadFingerprint(totals.Rows, overall.Sum, overall.NumeratorSum, overall.DenominatorSum);
    }

    private async Task WriteAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception e) when (e is not RunLeaseLostException)
        {
            // Another activation wrote this day, or the store failed without saying whether the write landed:
            // either way this activation may be stale, so the next call reloads the day from the store.
            if (e is StoreConflictException)
                LogStoreConflict(_id.Project, _id.MetricName, _id.Day.ToString(), _version);
            DeactivateOnIdle();
            throw;
        }
        _version++;
    }

    [LoggerMessage(EventId = 1002, EventName = "MetricDayRestated", Level = LogLevel.Information,
        Message = "Project {Project}: {MetricName} on {Date} restated to version {Version} by import {ImportId}")]
    private partial void LogRestated(string project, string metricName, string date, int version, string importId);

    [LoggerMessage(EventId = 1005, EventName = "MetricDayStoreConflict", Level = LogLevel.Warning,
        Message = "Project {Project}: {MetricName} on {Date} was written by another activation past version {Version}; this one deactivates and the next call reloads it")]
    private partial void LogStoreConflict(string project, string metricName, string date, long version);

    private void Accumulate(MetricSlice slice)
    {
        var rows = slice.Rows;
        for (var i = 0; i < rows.Length; i++)
        {
            if (i + MetricDayTotals.PrefetchDistance < rows.Length)
                _units.Prefetch(rows[i + MetricDayTotals.PrefetchDistance].Unit, slice.IsTest);
            _units.Add(rows[i].Unit, rows[i].Measurement, slice.IsTest);
        }
        if (slice.IdempotencyKey is { } key)
            _appliedKeys[key] = slice.RequestFingerprint;
        if (_lastIngestedAt is null || slice.IngestedAt > _lastIngestedAt)
            _lastIngestedAt = slice.IngestedAt;
    }

    private Sealed SealedView(DateTimeOffset finalizedAt, int version, DateTimeOffset? restatedAt, string cause) =>
        new(finalizedAt, _units.Production.Aggregate(), version, restatedAt, cause);
}
