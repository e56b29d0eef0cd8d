using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Imports.Definitions;
using Metrics.Imports.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains.Tests;

/// <summary>
/// Rows staged by a run that died (its node killed before it could commit or discard them) are not held for good by
/// a metric-day that stays active: a staged load no chunk or commit came to for the staging expiry is dropped, and a
/// commit after that finds its rows lost rather than part of them.
/// </summary>
public sealed class StagedLoadExpiryTests : IAsyncLifetime
{
    private const string Project = "staging";
    private static readonly MetricDayId DayId = new(Project, "revenue", new PacificDay(new DateOnly(2026, 3, 10)));

    private readonly ManualClock _clock = new(DateTimeOffset.Parse("2026-03-12T10:00:00-07:00"));
    private readonly InMemoryImportStore _store = new();
    private EmbeddedSilo _silo = null!;
    private ImportRunFence _fence = null!;

    public async Task InitializeAsync()
    {
        _silo = await EmbeddedSilo.StartAsync(_clock, services: s => s.AddSingleton<IImportRunFences>(_store));
        await _store.AddImportAsync(Project, new ImportDefinition("daily", "warehouse", "select 1", "", 14, 0.01, false, "", 0, _clock.Now));
        var lease = new RunLease("an-activation", "a-run", _clock.Now.AddDays(1));
        await _store.AcquireLeaseAsync(Project, "daily", lease, _clock.Now);
        _fence = new ImportRunFence("daily", lease.Owner, lease.RunId);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private IMetricDayGrain MetricDay => _silo.Grains.GetMetricDayGrain(DayId);

    private Task<LoadOutcome> CommitAsync(Guid load, long rows) =>
        MetricDay.CommitLoad(new LoadCommit(load, rows, new LoadFingerprint(rows, 10 * rows, 0, 0), false, _clock.Now, false, "import:daily", _fence));

    [Fact]
    public async Task ALoadLeftLongerThanTheExpiryIsDroppedAndOneTouchedSinceIsKept()
    {
        var (left, going) = (Guid.NewGuid(), Guid.NewGuid());
        await MetricDay.StageLoad(left, [new UnitRow("user_id", "u1", 10, null, null)]);
        await MetricDay.StageLoad(going, [new UnitRow("user_id", "u1", 10, null, null)]);
        _clock.Now += MetricDayGrain.StagingExpiry / 2;
        await MetricDay.StageLoad(going, [new UnitRow("user_id", "u2", 10, null, null)]);
        _clock.Now += MetricDayGrain.StagingExpiry / 2;

        Assert.Equal(LoadOutcome.StagingLost, await CommitAsync(left, 1));
        Assert.Equal(LoadOutcome.Loaded, await CommitAsync(going, 2));
        Assert.Equal(20, (await MetricDay.View(includeTest: false))!.Overall.Sum);
    }
}
