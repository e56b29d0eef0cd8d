using Metrics.Domain;
using Metrics.Grains.Readiness;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains.Tests;

/// <summary>
/// Two activations of the readiness grain can live for a while during a membership change. MarkDataReady with a
/// timestamp a stale activation already holds stores nothing, so no version check would catch it: it answers from
/// the stored state — refused, naming the current watermark — never success below a watermark already acknowledged.
/// </summary>
public sealed class StaleMarkDataReadyTests : IAsyncLifetime
{
    private const string Project = "stale-mark";
    private EmbeddedSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await EmbeddedSilo.StartAsync();
    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task MarkDataReadyOnAStaleActivationWithItsOwnWatermarkIsNotASuccessBelowTheStoredWatermark()
    {
        var readiness = _silo.Grains.GetReadinessGrain(Project);
        var w1 = new PacificDay(new DateOnly(2026, 4, 1)).EndUnixSeconds;
        var w2 = new PacificDay(new DateOnly(2026, 4, 3)).EndUnixSeconds;
        var first = await readiness.MarkDataReady(w1);
        Assert.Null(first.Refusal);

        // The other activation (played by a write to the store) moves the watermark to w2 and acknowledges it.
        var store = _silo.Services.GetRequiredService<IReadinessStore>();
        var key = $"{Project}/{ReadinessType.Metrics}";
        await store.SaveAsync(key, await store.VersionAsync(key), ReadinessChange.Advance(w2));

        // A client now calls MarkDataReady(w1) < w2: SPEC §3 says FAILED_PRECONDITION stating the current watermark.
        var again = await readiness.MarkDataReady(w1);
        Assert.NotNull(again.Refusal);
        Assert.Equal(w2, again.Watermark);
    }
}
