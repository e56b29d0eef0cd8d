using Metrics.Domain;
using Metrics.Grains.Ingestion;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Readiness;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains.Tests;

/// <summary>
/// A retry (same key, same body) arriving while its first attempt is admitted but not yet written, and a seal of its
/// day waits for that attempt: the retry is refused at admission, and waits for the seal under way, so that it finds
/// what its first attempt stored — answered as a duplicate, never "nothing in the request was applied" for records
/// the sealed day counts.
/// </summary>
public sealed class RetryDuringSealTests : IAsyncLifetime
{
    private const string Project = "retry-seal";
    private static readonly PacificDay Day = new(new DateOnly(2026, 5, 10));
    private EmbeddedSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await EmbeddedSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task ARetryRacingItsAdmittedFirstAttemptAcrossASealIsAnsweredAsTheDuplicateItIs()
    {
        var services = _silo.Services;
        IncomingRecord[] records = [new("u1", "user_id", "m", 5, null, null, Day.ToString())];
        var request = new IngestRequest(Project, new ProjectIdTypes(ProjectIdTypes.Defaults), false, "k", records);
        var fingerprint = RequestFingerprint.Of(false, records);
        var now = DateTimeOffset.UtcNow;

        // The first attempt: its key claimed, its day admitted, its slice not written yet (in flight).
        await services.GetRequiredService<IIdempotencyStore>().ClaimAsync(Project, "k", fingerprint, PacificDay.Of(now));
        var readiness = _silo.Grains.GetReadinessGrain(Project);
        var lease = Guid.NewGuid();
        Assert.True((await readiness.BeginWrite(new WriteIntent(lease, [new MetricDayRef("m", Day.Date)], []))).Admitted);

        // A seal of the day: it moves the watermark and waits for the first attempt.
        var seal = readiness.MarkDataReady(Day.EndUnixSeconds);
        await Task.Delay(300);

        // The client's retry of the same request, refused at admission while the seal waits.
        var retry = services.GetRequiredService<MetricIngestor>().IngestAsync(request);
        await Task.Delay(300);
        Assert.False(retry.IsCompleted, "the retry did not wait for the seal under way");

        // The first attempt writes and ends; the seal completes, and so does the retry.
        var metricDay = _silo.Grains.GetMetricDayGrain(new MetricDayId(Project, "m", Day));
        Assert.Equal(SliceOutcome.Applied, await metricDay.Apply(new MetricSlice("k", false, now, [new UnitRow("user_id", "u1", 5, null, null)], fingerprint)));
        await readiness.EndWrite(lease);
        Assert.Equal([Day.Date], (await seal).FinalizedDates);

        var answer = Assert.IsType<IngestOutcome.Applied>(await retry);
        Assert.True(answer.Duplicate);
        var view = (await metricDay.View(includeTest: false))!;
        Assert.Equal((true, 5.0), (view.Finalized, view.Overall.Sum));
    }
}
