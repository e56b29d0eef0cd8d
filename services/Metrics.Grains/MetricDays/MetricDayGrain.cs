using Metrics.Domain;

namespace Metrics.Grains.MetricDays;

/// <summary>
/// Collects one metric's values for one Pacific day: per-unit totals in memory, each accepted slice appended to
/// the store before the call answers. Once sealed, the final aggregates never change.
/// </summary>
public sealed class MetricDayGrain(IMetricDayStore store, TimeProvider clock) : Grain, IMetricDayGrain
{
    private MetricDayId _id;
    private long _version;
    private MetricDayUnits _units = null!;
    /// <summary>The idempotency key of each slice held, with the fingerprint of the request it came with.</summary>
    private readonly Dictionary<string, string> _appliedKeys = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastIngestedAt;
    private Sealed? _sealed;

    /// <summary>The export's order of units, sorted when a sealed day is first exported rather than at the seal.</summary>
    private UnitKey[]? _exportOrder;

    private sealed record Sealed(DateTimeOffset FinalizedAt, DayAggregates Production);

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
        _exportOrder = null;
        if (log.Sealed is { } snapshot)
        {
            _units = new MetricDayUnits(snapshot.Production.ToTotals(), snapshot.Test.ToTotals());
            _lastIngestedAt = snapshot.LastIngestedAt;
            foreach (var (key, fingerprint) in snapshot.AppliedKeys.Zip(snapshot.AppliedFingerprints))
                _appliedKeys[key] = fingerprint;
            _sealed = SealedView(snapshot.FinalizedAt);
        }
        foreach (var slice in log.Slices)
            Accumulate(slice);
    }

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
        var applied = _appliedKeys.ToArray();
        var snapshot = new SealedMetricDay(finalizedAt, _lastIngestedAt, UnitSnapshot.Of(_units.Production), UnitSnapshot.Of(_units.Test),
            applied.Select(a => a.Key).ToArray(), applied.Select(a => a.Value).ToArray());
        await WriteAsync(() => store.SealAsync(_id, _version, snapshot));
        _sealed = SealedView(finalizedAt);
    }

    public async Task<bool> HoldsSlice(string idempotencyKey, string fingerprint)
    {
        await RefreshIfStaleAsync();
        return Holds(idempotencyKey, fingerprint);
    }

    /// <summary>
    /// Before a read of an open day: two activations can live for a while during a membership change, and one that
    /// missed the other's seal or slices must not answer with the older day. A sealed day never changes.
    /// </summary>
    private async Task RefreshIfStaleAsync()
    {
        if (_sealed is not null || await store.VersionAsync(_id) == _version)
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
            _lastIngestedAt);
    }

    public async Task<ExportPage> Export(int offset, int count)
    {
        await RefreshIfStaleAsync();
        var production = _units.Production;
        if (production.Rows == 0)
            return new ExportPage(ExportStatus.NoData, []);
        if (_sealed is null)
            return new ExportPage(ExportStatus.Open, []);
        _exportOrder ??= production.Units.Keys
            .OrderBy(u => u.IdType, StringComparer.Ordinal)
            .ThenBy(u => u.UserId, StringComparer.Ordinal)
            .ToArray();
        var rows = _exportOrder.Skip(offset).Take(count).Select(unit =>
        {
            var totals = production.Units[unit];
            return new UnitValueRow(unit.IdType, unit.UserId, totals.Value, totals.Numerator, totals.Denominator, totals.Rows);
        });
        return new ExportPage(ExportStatus.Finalized, rows.ToArray());
    }

    private async Task WriteAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch
        {
            // Another activation wrote this day, or the store failed without saying whether the write landed:
            // either way this activation may be stale, so the next call reloads the day from the store.
            DeactivateOnIdle();
            throw;
        }
        _version++;
    }

    private void Accumulate(MetricSlice slice)
    {
        foreach (var row in slice.Rows)
            _units.Add(new UnitKey(row.IdType, row.UserId), new Measurement(row.Value, row.Numerator, row.Denominator), slice.IsTest);
        if (slice.IdempotencyKey is { } key)
            _appliedKeys[key] = slice.RequestFingerprint;
        if (_lastIngestedAt is null || slice.IngestedAt > _lastIngestedAt)
            _lastIngestedAt = slice.IngestedAt;
    }

    private Sealed SealedView(DateTimeOffset finalizedAt) => new(finalizedAt, _units.Production.Aggregate());
}
