using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Telemetry;

namespace Metrics.Grains.Readiness;

/// <summary>
/// Holds a project's watermark and decides, for every write, whether its days are still open. A seal first
/// moves the watermark (so no new write for the day is admitted anywhere), then waits for the writes already
/// admitted to finish, then seals the metric-day grains: the seal wins every race, and nothing admitted is lost.
/// Every change is stored with the version this activation loaded: a stale activation's write fails, and the
/// activation makes way for one that reloads.
/// </summary>
[Reentrant]
public sealed partial class ReadinessGrain(
    IReadinessStore store, IReadinessFeed feed, IProjectQuotas quotas, ProductMeters meters, TimeProvider clock, ILogger<ReadinessGrain> logger)
    : Grain, IReadinessGrain, ISpanAttributes
{
    /// <summary>A writer that has not ended its write by then is taken for dead, and no longer holds a seal back.</summary>
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A restatement expected this long ago and still not in its metric-day is taken for one that never happened (its run
    /// died before the swap) and no longer expected. Until then it may be a swap still under way.
    /// </summary>
    internal static readonly TimeSpan RestatementExpiry = TimeSpan.FromHours(1);

    private sealed record Lease(DateOnly[] Days, DateTimeOffset Expires);

    private readonly Dictionary<Guid, Lease> _leases = [];
    private readonly SemaphoreSlim _sealing = new(1, 1);
    private readonly SemaphoreSlim _committing = new(1, 1);
    private TaskCompletionSource _leaseEnded = NewSignal();
    private string _project = "";
    private ReadinessState _state = ReadinessState.Empty;

    /// <summary>The watermark in force for admission: ahead of the stored one while a seal is under way.</summary>
    private long _admissionWatermark;

    void ISpanAttributes.Describe(System.Diagnostics.Activity span) => span.SetTag(SpanAttributes.Project, _project);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _project = key[..key.IndexOf('/')];
        _state = await store.LoadAsync(key);
        _admissionWatermark = _state.Watermark;
        Measure();
        // A seal interrupted by a crash: the watermark was stored, the days it reached are sealed now.
        if (_state.DueDays(_state.Watermark).Any())
            await SealAsync(_state.Watermark);
        try
        {
            await AnnounceAsync();
            await AnnouncePendingRestatementsAsync();
        }
        catch (Exception e)
        {
            // The days and restatements stay in the state: the next MarkDataReady announces them.
            LogAnnounceFailed(e, key, _state.Unannounced.Count + _state.PendingRestatements.Count);
        }
    }

    public async Task<WriteAdmission> BeginWrite(WriteIntent intent)
    {
        var owned = _state.OwnedByOthers(intent);
        if (owned.Length > 0)
            return new WriteAdmission(false, [], _admissionWatermark, Owned: owned);
        var days = intent.Days;
        var projectQuotas = quotas.For(_project);
        var sealedDays = days.Where(d => Watermark.Seals(_admissionWatermark, new PacificDay(d))).Order().ToArray();
        if (sealedDays.Length > 0)
        {
            // An import restates sealed days: its metrics are named in the catalog, owned by it, as its loads of open days' are.
            if (intent.ImportId is not null && await RegisterAsync(intent with { MetricDays = [] }, projectQuotas) is { } catalogOverQuota)
                return new WriteAdmission(false, [], _admissionWatermark, catalogOverQuota);
            // A seal under way waits for the writes admitted before it: so does this refusal, so that a retry of one
            // of them, refused here, then finds in the metric-days what its first attempt stored.
            await _sealing.WaitAsync();
            _sealing.Release();
            return new WriteAdmission(false, sealedDays, _admissionWatermark);
        }
        if (projectQuotas.CheckRequest(days.Length) is { } tooManyDays)
            return new WriteAdmission(false, [], _admissionWatermark, tooManyDays);

        _leases[intent.LeaseId] = new Lease(days, clock.GetUtcNow() + LeaseTimeout);
        string? overQuota;
        try
        {
            overQuota = await RegisterAsync(intent, projectQuotas);
        }
        catch
        {
            await EndWrite(intent.LeaseId);
            throw;
        }
        if (overQuota is not null)
        {
            await EndWrite(intent.LeaseId);
            return new WriteAdmission(false, [], _admissionWatermark, overQuota);
        }
        return new WriteAdmission(true, [], _admissionWatermark);
    }

    /// <summary>Opens the intent's metric-days and adds its catalog entries, unless a quota refuses them: then says why, and stores nothing.</summary>
    private async Task<string?> RegisterAsync(WriteIntent intent, ProjectQuotas projectQuotas)
    {
        string? overQuota = null;
        await CommitAsync(state =>
        {
            var change = state.Register(intent);
            overQuota = change is null
                ? null
                : projectQuotas.CheckGrowth(state.Catalog.Count, change.NewMetricNames(state), state.OpenMetricDays, change.Opened.Count);
            return overQuota is null ? change : null;
        });
        return overQuota;
    }

    public Task EndWrite(Guid leaseId)
    {
        if (_leases.Remove(leaseId))
        {
            var ended = _leaseEnded;
            _leaseEnded = NewSignal();
            ended.SetResult();
        }
        return Task.CompletedTask;
    }

    public Task<bool> RenewWrite(Guid leaseId)
    {
        if (_leases.TryGetValue(leaseId, out var lease))
            _leases[leaseId] = lease with { Expires = clock.GetUtcNow() + LeaseTimeout };
        return Task.FromResult(lease is not null);
    }

    public async Task<MarkReadyResult> MarkDataReady(long timestamp)
    {
        var result = await MarkAsync(timestamp);
        try
        {
            await AnnouncePendingRestatementsAsync();
        }
        catch (Exception e)
        {
            // They stay pending: the next MarkDataReady, or the next activation, announces them.
            LogAnnounceFailed(e, this.GetPrimaryKeyString(), _state.PendingRestatements.Count);
        }
        return result;
    }

    private async Task<MarkReadyResult> MarkAsync(long timestamp)
    {
        await _sealing.WaitAsync();
        try
        {
            if (Watermark.Backward(_state.Watermark, timestamp) is { } refusal)
                return new MarkReadyResult(refusal, _state.Watermark, []);
            // Nothing to store: a stale activation (another moved the watermark on) would answer from its older state.
            if (timestamp <= _state.Watermark && await StoredStateAsync() is var stored && !ReferenceEquals(stored, _state))
            {
                return Watermark.Backward(stored.Watermark, timestamp) is { } behind
                    ? new MarkReadyResult(behind, stored.Watermark, [])
                    : throw new StorageUnavailableException("the project's readiness was moved on by another node meanwhile; try again");
            }
            if (timestamp > _state.Watermark)
            {
                // Not moved back should the commit fail: the store may have taken it without saying so, and until this
                // activation is replaced by one that reloads the stored watermark, refusing a write is the safe side.
                _admissionWatermark = timestamp;
                await CommitAsync(_ => ReadinessChange.Advance(timestamp));
            }
            // With an equal timestamp this completes a seal or an announcement that failed half-way: the retry does what is left.
            await SealAsync(timestamp);
            return new MarkReadyResult(null, timestamp, await AnnounceAsync());
        }
        finally
        {
            _sealing.Release();
        }
    }

    public Task<MetricOwner[]> OwnedByOthers(string importId, string[] metricNames) =>
        Task.FromResult(_state.OwnedByOthers(new WriteIntent(Guid.Empty, metricNames.Select(m => new MetricDayRef(m, default)).ToArray(), [], importId)));

    public Task ExpectRestatement(string metricName, DateOnly date, int versionBefore)
    {
        var now = clock.GetUtcNow();
        // One expected already (a run that died before it announced, or one under way) keeps the lower version, and its
        // expiry starts again: the newest version is announced, once for both.
        return CommitAsync(state => ReadinessChange.Pend(new PendingRestatement(
            metricName, date, Math.Min(versionBefore, state.PendingRestatements.GetValueOrDefault(PendingRestatement.KeyOf(metricName, date))?.VersionBefore ?? versionBefore), now)));
    }

    public async Task AnnounceRestatement(string metricName, DateOnly date, int versionBefore)
    {
        var version = await VersionAsync(metricName, date);
        if (version <= versionBefore)
            return; // not restated (its swap refused): what is pending stays, for another run's swap or the expiry
        await PublishRestatementAsync(metricName, date, version);
        await ResolveAsync([(PendingRestatement.KeyOf(metricName, date), null, version)]);
    }

    /// <summary>
    /// Publishes each pending restatement its metric-day shows (a version past the one it was expected from), and
    /// gives up those expected longer than <see cref="RestatementExpiry"/> ago that it does not show. An event
    /// published twice (a crash before the resolution is stored) is the same event.
    /// </summary>
    private async Task AnnouncePendingRestatementsAsync()
    {
        var done = new List<(string, PendingRestatement?, int)>();
        foreach (var pending in _state.PendingRestatements.Values.ToArray())
        {
            var version = await VersionAsync(pending.MetricName, pending.Date);
            if (version > pending.VersionBefore)
            {
                await PublishRestatementAsync(pending.MetricName, pending.Date, version);
                done.Add((pending.Key, null, version));
            }
            else if (clock.GetUtcNow() - pending.Since >= RestatementExpiry)
            {
                done.Add((pending.Key, pending, 0));
            }
        }
        if (done.Count > 0)
            await ResolveAsync(done);
    }

    /// <summary>
    /// Stores that restatements are no longer pending: each one the version announced covers (expected from a lower
    /// one), or the one given up, if no run has expected it again since. Decided on the state as it is when stored:
    /// the grain is reentrant, and a run may have expected a restatement of the metric-day meanwhile.
    /// </summary>
    private Task ResolveAsync(IReadOnlyList<(string Key, PendingRestatement? GivenUp, int Announced)> done) => CommitAsync(state =>
    {
        var keys = done
            .Where(d => state.PendingRestatements.GetValueOrDefault(d.Key) is { } now && (d.Announced > now.VersionBefore || now == d.GivenUp))
            .Select(d => d.Key)
            .ToList();
        return keys.Count == 0 ? null : ReadinessChange.Resolve(keys);
    });

    private async Task<int> VersionAsync(string metricName, DateOnly date) =>
        (await GrainFactory.GetMetricDayGrain(new MetricDayId(_project, metricName, new PacificDay(date))).Content()).Version;

    private Task PublishRestatementAsync(string metricName, DateOnly date, int version) =>
        feed.PublishAsync(new SealedDayEvent(_project, date, _state.Watermark, 1, clock.GetUtcNow(), version, metricName));

    public async Task<CatalogEntry[]> OwnedBy(string importId) =>
        (await StoredStateAsync()).Catalog.Values.Where(e => e.Owner == importId).ToArray();

    public Task ReleaseOwnership(string importId) =>
        CommitAsync(state => state.Release(importId));

    /// <summary>Days still being sealed count as open, and the last finalized day comes before them.</summary>
    public async Task<ReadinessView> Get()
    {
        var state = await StoredStateAsync();
        var lastSealed = Watermark.LastSealedDay(state.Watermark)?.Date;
        var firstUnfinished = state.DueDays(state.Watermark).Cast<DateOnly?>().FirstOrDefault();
        if (firstUnfinished is { } unfinished && lastSealed >= unfinished)
            lastSealed = unfinished.AddDays(-1);
        return new ReadinessView(state.Watermark, lastSealed, state.OpenDays.Keys.ToArray());
    }

    public async Task<CatalogPage> ListMetrics(string? after, int pageSize)
    {
        var entries = (await StoredStateAsync()).CatalogAfter(after, pageSize + 1).ToArray();
        return entries.Length > pageSize ? new CatalogPage(entries[..pageSize], true) : new CatalogPage(entries, false);
    }

    public async Task<CatalogEntry?> DescribeMetric(string metricName) =>
        (await StoredStateAsync()).Catalog.GetValueOrDefault(metricName);

    /// <summary>
    /// The state as stored, for a read: this activation's when no other activation moved it — two can live for a while
    /// during a membership change, and a read must never answer an older state than a call already acknowledged — and
    /// otherwise the stored one, read afresh, while this stale activation makes way for one that loads it.
    /// </summary>
    private async Task<ReadinessState> StoredStateAsync()
    {
        var key = this.GetPrimaryKeyString();
        await _committing.WaitAsync();
        try
        {
            // Under the commit lock: a commit of this activation's own in flight would otherwise look like another's.
            if (await store.VersionAsync(key) == _state.Version)
                return _state;
        }
        finally
        {
            _committing.Release();
        }
        LogStaleActivation(key, _state.Version);
        DeactivateOnIdle();
        return await store.LoadAsync(key);
    }

    /// <summary>
    /// Seals every open day the watermark reaches, once the writes admitted to them have ended. The sealed days
    /// are stored as waiting to be announced, in the change that closes them: an announcement that fails is not lost.
    /// </summary>
    private async Task SealAsync(long watermark)
    {
        var started = clock.GetTimestamp();
        await WritesEndedAsync(watermark);
        // Computed after the wait: the writes waited for have registered their days by then.
        var days = _state.DueDays(watermark).ToArray();
        if (days.Length == 0)
            return;
        foreach (var day in days)
            await Task.WhenAll(_state.OpenDays[day].Select(m =>
                GrainFactory.GetMetricDayGrain(new MetricDayId(_project, m, new PacificDay(day))).Seal()));
        var finalizedAt = clock.GetUtcNow();
        var metricDays = days.Select(d => _state.OpenDays[d].Count).ToArray();
        await CommitAsync(s => ReadinessChange.Close(
            days.Select(d => new SealedDayEvent(_project, d, watermark, s.OpenDays[d].Count, finalizedAt)).ToArray()));
        var took = clock.GetElapsedTime(started);
        meters.Sealed(took);
        for (var i = 0; i < days.Length; i++)
            LogDaySealed(_project, days[i].ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), metricDays[i], watermark, (long)took.TotalMilliseconds);
    }

    /// <summary>Publishes the sealed days not announced yet, then stores that they were; returns them.</summary>
    private async Task<DateOnly[]> AnnounceAsync()
    {
        var pending = _state.Unannounced.Values.ToArray();
        if (pending.Length == 0)
            return [];
        foreach (var sealedDay in pending)
            await feed.PublishAsync(sealedDay);
        var days = pending.Select(e => e.Date).ToArray();
        await CommitAsync(_ => ReadinessChange.Announce(days));
        return days;
    }

    /// <summary>Waits until no admitted write touches a day the watermark seals; leases of writers that died expire.</summary>
    private async Task WritesEndedAsync(long watermark)
    {
        while (true)
        {
            var now = clock.GetUtcNow();
            foreach (var (id, lease) in _leases.Where(l => l.Value.Expires < now).ToList())
            {
                LogLeaseExpired(_project, id, string.Join(", ", lease.Days.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
                await EndWrite(id);
            }
            if (!_leases.Values.Any(l => l.Days.Any(d => Watermark.Seals(watermark, new PacificDay(d)))))
                return;
            await Task.WhenAny(_leaseEnded.Task, Task.Delay(TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>
    /// Stores the change <paramref name="plan"/> makes of the current state (none when it answers null), then applies
    /// it: the state in memory is never ahead of the stored one.
    /// </summary>
    private async Task CommitAsync(Func<ReadinessState, ReadinessChange?> plan)
    {
        await _committing.WaitAsync();
        try
        {
            if (plan(_state) is not { } change)
                return;
            try
            {
                await store.SaveAsync(this.GetPrimaryKeyString(), _state.Version, change);
            }
            catch
            {
                // Another activation wrote this state, or the store failed without saying whether the write landed:
                // either way this activation may be stale, so the next call reloads the state from the store.
                DeactivateOnIdle();
                throw;
            }
            _state = _state.Apply(change);
            Measure();
        }
        finally
        {
            _committing.Release();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (IsDefaultType)
            meters.ReadinessGone(_project);
        return Task.CompletedTask;
    }

    /// <summary>The project's watermark and open days on this node's gauges (of its readiness type <c>metrics</c>, the one ingestion and the seals use).</summary>
    private void Measure()
    {
        if (IsDefaultType)
            meters.Readiness(_project, _state.Watermark, _state.OpenDays.Count);
    }

    private bool IsDefaultType => this.GetPrimaryKeyString().EndsWith("/" + ReadinessType.Metrics, StringComparison.Ordinal);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 1001, EventName = "DaySealed", Level = LogLevel.Information,
        Message = "Project {Project}: day {Date} sealed, {MetricDays} metric-day(s), at watermark {Watermark}; the seal took {Milliseconds} ms")]
    private partial void LogDaySealed(string project, string date, int metricDays, long watermark, long milliseconds);

    [LoggerMessage(EventId = 1004, EventName = "WriteLeaseExpired", Level = LogLevel.Warning,
        Message = "Project {Project}: write lease {LeaseId} for {Days} expired unended (its writer died or hung); the seal no longer waits for it")]
    private partial void LogLeaseExpired(string project, Guid leaseId, string days);

    [LoggerMessage(Level = LogLevel.Information, Message = "Readiness of {Key}: another activation moved the stored state past version {Version}; this one answers from the store and deactivates")]
    private partial void LogStaleActivation(string key, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness of {Key}: announcing {Count} sealed day(s) and restatement(s) failed; the next MarkDataReady announces them")]
    private partial void LogAnnounceFailed(Exception exception, string key, int count);
}
