using Metrics.Domain;
using Metrics.Grains.MetricDays;
using Metrics.Imports.Definitions;
using Metrics.Imports.Runs;

namespace Metrics.Grains.Tests;

/// <summary>
/// An import's run stopped right after it confirmed its lease, and woken after another activation took the import
/// over (the lease expired while it was stopped): its swap is refused by the store, in the same write, and the day
/// keeps what it held; the run now holding the lease swaps its load in. On the embedded mode's stores and on Redis's
/// (the lease and the metric-day in one Lua script).
/// </summary>
public abstract class LoadFenceTests(Func<Task<ImportTestStores>> start) : IAsyncLifetime
{
    private const string Project = "fenced-imports";
    private const string Import = "daily";
    private static readonly MetricDayId DayId = new(Project, "revenue", new PacificDay(new DateOnly(2026, 3, 10)));
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-12T10:00:00-07:00");
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private ImportTestStores _stores = null!;
    private EmbeddedSilo _silo = null!;

    private IImportStore Store => _stores.Imports;

    public async Task InitializeAsync()
    {
        _stores = await start();
        _silo = await EmbeddedSilo.StartAsync(services: _stores.AddTo);
        await Store.AddImportAsync(Project, new ImportDefinition(Import, "warehouse", "select * from metrics", "", 14, 0.01, false, "", 0, Now));
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _stores.DisposeAsync();
    }

    private IMetricDayGrain MetricDay => _silo.Grains.GetMetricDayGrain(DayId);

    private async Task<ImportRunFence> TakeLeaseAsync(string owner, string runId, DateTimeOffset now)
    {
        var wanted = new RunLease(owner, runId, now + Lease);
        Assert.Equal(wanted, await Store.AcquireLeaseAsync(Project, Import, wanted, now));
        return new ImportRunFence(Import, owner, runId);
    }

    private async Task<LoadOutcome> LoadAsync(ImportRunFence fence, double value)
    {
        var loadId = Guid.NewGuid();
        await MetricDay.StageLoad(loadId, [new UnitRow("user_id", "u1", value, null, null)]);
        return await MetricDay.CommitLoad(new LoadCommit(loadId, 1, new LoadFingerprint(1, value, 0, 0), false, Now, false, "test", fence));
    }

    [Fact]
    public async Task ALoadWhoseRunLostItsLeaseIsNotSwappedInAndTheRunHoldingItsIs()
    {
        var first = await TakeLeaseAsync("activation-a", "run-1", Now);
        Assert.Equal(LoadOutcome.Loaded, await LoadAsync(first, 10));

        // The lease expired while activation A was stopped; activation B took the import for a run of its own.
        var second = await TakeLeaseAsync("activation-b", "run-2", Now + Lease + TimeSpan.FromSeconds(1));

        Assert.Equal(LoadOutcome.LeaseLost, await LoadAsync(first, 99));
        Assert.Equal(10, (await MetricDay.View(includeTest: false))!.Overall.Sum);
        Assert.Equal(new LoadFingerprint(1, 10, 0, 0), (await MetricDay.Content()).Loaded);

        Assert.Equal(LoadOutcome.Loaded, await LoadAsync(second, 20));
        Assert.Equal(20, (await MetricDay.View(includeTest: false))!.Overall.Sum);
    }

    [Fact]
    public async Task ALoadWhoseLeaseWasDroppedIsNotSwappedIn()
    {
        var fence = await TakeLeaseAsync("activation-a", "run-1", Now);
        await Store.ReleaseLeaseAsync(Project, Import, new RunLease(fence.Owner, fence.RunId, Now + Lease));

        Assert.Equal(LoadOutcome.LeaseLost, await LoadAsync(fence, 10));
        Assert.Null(await MetricDay.View(includeTest: false));
    }
}

/// <summary><see cref="LoadFenceTests"/> on the embedded mode's stores.</summary>
public sealed class InMemoryLoadFenceTests() : LoadFenceTests(ImportTestStores.InMemoryAsync);

/// <summary><see cref="LoadFenceTests"/> on the Redis deployment's stores, against a real redis-server.</summary>
public sealed class RedisLoadFenceTests() : LoadFenceTests(ImportTestStores.RedisAsync);
