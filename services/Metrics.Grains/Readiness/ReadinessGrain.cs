using Orleans.Concurrency;
using Metrics.Domain;
using Metrics.Grains.MetricDays;

namespace Metrics.Grains.Readiness;

/// <summary>
/// Holds a project's watermark and decides, for every write, whether its days are still open. A seal first
/// moves the watermark (so no new write for the day is admitted anywhere), then waits for the writes already
/// admitted to finish, then seals the metric-day grains: the seal wins every race, and nothing admitted is lost.
/// </summary>
[Reentrant]
public sealed class ReadinessGrain(IReadinessStore store, IReadinessFeed feed, TimeProvider clock) : Grain, IReadinessGrain
{
    /// <summary>A writer that has not ended its write by then is taken for dead, and no longer holds a seal back.</summary>
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(30);

    private sealed record Lease(DateOnly[] Days, DateTimeOffset Expires);

    private readonly Dictionary<Guid, Lease> _leases = [];
    private readonly SemaphoreSlim _sealing = new(1, 1);
    private readonly SemaphoreSlim _committing = new(1, 1);
    private TaskCompletionSource _leaseEnded = NewSignal();
    private string _project = "";
    private ReadinessState _state = ReadinessState.Empty;

    /// <summary>The watermark in force for admission: ahead of the stored one while a seal is under way.</summary>
    private long _admissionWatermark;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _project = key[..key.IndexOf('/')];
        _state = await store.LoadAsync(key);
        _admissionWatermark = _state.Watermark;
        // A seal interrupted by a crash: the watermark was stored, the days it reached are sealed now.
        if (_state.DueDays(_state.Watermark).Any())
            await SealAsync(_state.Watermark);
    }

    public async Task<WriteAdmission> BeginWrite(WriteIntent intent)
    {
        var days = intent.Days;
        var sealedDays = days.Where(d => Watermark.Seals(_admissionWatermark, new PacificDay(d))).Order().ToArray();
        if (sealedDays.Length > 0)
            return new WriteAdmission(false, sealedDays, _admissionWatermark);

        _leases[intent.LeaseId] = new Lease(days, clock.GetUtcNow() + LeaseTimeout);
        try
        {
            await CommitAsync(s => s.Register(intent));
        }
        catch
        {
            await EndWrite(intent.LeaseId);
            throw;
        }
        return new WriteAdmission(true, [], _admissionWatermark);
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

    public async Task<MarkReadyResult> MarkDataReady(long timestamp)
    {
        await _sealing.WaitAsync();
        try
        {
            if (Watermark.Backward(_state.Watermark, timestamp) is { } refusal)
                return new MarkReadyResult(refusal, _state.Watermark, []);
            if (timestamp > _state.Watermark)
            {
                _admissionWatermark = timestamp;
                try
                {
                    await CommitAsync(s => s with { Watermark = timestamp });
                }
                catch
                {
                    _admissionWatermark = _state.Watermark;
                    throw;
                }
            }
            // With an equal timestamp this completes a seal that failed half-way: the retry seals what is left.
            var sealedDays = await SealAsync(timestamp);
            return new MarkReadyResult(null, timestamp, sealedDays);
        }
        finally
        {
            _sealing.Release();
        }
    }

    /// <summary>Days still being sealed count as open, and the last finalized day comes before them.</summary>
    public Task<ReadinessView> Get()
    {
        var lastSealed = Watermark.LastSealedDay(_state.Watermark)?.Date;
        var firstUnfinished = _state.DueDays(_state.Watermark).Cast<DateOnly?>().FirstOrDefault();
        if (firstUnfinished is { } unfinished && lastSealed >= unfinished)
            lastSealed = unfinished.AddDays(-1);
        return Task.FromResult(new ReadinessView(_state.Watermark, lastSealed, _state.OpenDays.Keys.ToArray()));
    }

    public Task<CatalogEntry[]> ListMetrics() => Task.FromResult(_state.Catalog.Values.ToArray());

    /// <summary>Seals every open day the watermark reaches, once the writes admitted to them have ended.</summary>
    private async Task<DateOnly[]> SealAsync(long watermark)
    {
        await WritesEndedAsync(watermark);
        // Computed after the wait: the writes waited for have registered their days by then.
        var days = _state.DueDays(watermark).ToArray();
        var metricCounts = new List<(DateOnly Day, int Metrics)>();
        foreach (var day in days)
        {
            var metrics = _state.OpenDays[day];
            await Task.WhenAll(metrics.Select(m =>
                GrainFactory.GetMetricDayGrain(new MetricDayId(_project, m, new PacificDay(day))).Seal()));
            metricCounts.Add((day, metrics.Count));
        }
        await CommitAsync(s => s.Close(days));
        var finalizedAt = clock.GetUtcNow();
        foreach (var (day, metrics) in metricCounts)
            await feed.PublishAsync(new SealedDayEvent(_project, day, _state.Watermark, metrics, finalizedAt));
        return days;
    }

    /// <summary>Waits until no admitted write touches a day the watermark seals; leases of writers that died expire.</summary>
    private async Task WritesEndedAsync(long watermark)
    {
        while (true)
        {
            var now = clock.GetUtcNow();
            foreach (var (id, lease) in _leases.Where(l => l.Value.Expires < now).ToList())
                await EndWrite(id);
            if (!_leases.Values.Any(l => l.Days.Any(d => Watermark.Seals(watermark, new PacificDay(d)))))
                return;
            await Task.WhenAny(_leaseEnded.Task, Task.Delay(TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>Stores a change, then applies it: the state in memory is never ahead of the stored one.</summary>
    private async Task CommitAsync(Func<ReadinessState, ReadinessState> change)
    {
        await _committing.WaitAsync();
        try
        {
            var next = change(_state);
            if (ReferenceEquals(next, _state))
                return;
            await store.SaveAsync(this.GetPrimaryKeyString(), next);
            _state = next;
        }
        finally
        {
            _committing.Release();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
