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
    private MetricDayUnits _units = new();
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
        var log = await store.LoadAsync(_id);
        _version = log.Version;
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

    public Task<bool> HoldsSlice(string idempotencyKey, string fingerprint) => Task.FromResult(Holds(idempotencyKey, fingerprint));

    /// <summary>A key reused for another request after its retention is not that request's retry: its slice is new.</summary>
    private bool Holds(string key, string fingerprint) =>
        _appliedKeys.TryGetValue(key, out var remembered) && string.Equals(remembered, fingerprint, StringComparison.Ordinal);

    /// <summary>Test records never count in production: a day holding only them has no production view.</summary>
    public Task<MetricDayView?> View(bool includeTest)
    {
        if (_units.View(includeTest) is not { } view)
            return Task.FromResult<MetricDayView?>(null);
        var aggregates = !includeTest && _sealed is not null ? _sealed.Production : view.Aggregates;
        return Task.FromResult<MetricDayView?>(new MetricDayView(
            _sealed is not null,
            view.IsRatio,
            aggregates.Overall,
            aggregates.ByIdType.ToArray(),
            _sealed?.FinalizedAt,
            _lastIngestedAt));
    }

    public Task<ExportPage> Export(int offset, int count)
    {
        var production = _units.Production;
        if (production.Rows == 0)
            return Task.FromResult(new ExportPage(ExportStatus.NoData, []));
        if (_sealed is null)
            return Task.FromResult(new ExportPage(ExportStatus.Open, []));
        _exportOrder ??= production.Units.Keys
            .OrderBy(u => u.IdType, StringComparer.Ordinal)
            .ThenBy(u => u.UserId, StringComparer.Ordinal)
            .ToArray();
        var rows = _exportOrder.Skip(offset).Take(count).Select(unit =>
        {
            var totals = production.Units[unit];
            return new UnitValueRow(unit.IdType, unit.UserId, totals.Value, totals.Numerator, totals.Denominator, totals.Rows);
        });
        return Task.FromResult(new ExportPage(ExportStatus.Finalized, rows.ToArray()));
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
