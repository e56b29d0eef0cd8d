using Metrics.Domain;
using Metrics.Grains.Ingestion;
using Metrics.Grains.MetricDays;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains.Tests;

/// <summary>
/// A keyed request without dates whose first attempt claimed its key just before Pacific midnight (and failed
/// before it was applied whole) is retried just after: the retry counts its records for the first attempt's day,
/// so slices the first attempt stored are found and never counted again on the next day.
/// </summary>
public sealed class IdempotencyMidnightTests : IAsyncLifetime
{
    private const string Project = "p";
    private static readonly PacificDay FirstDay = new(new DateOnly(2026, 5, 10));
    private readonly ManualClock _clock = new(FirstDay.End.AddSeconds(-2));
    private EmbeddedSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await EmbeddedSilo.StartAsync(_clock);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task ARetryAfterMidnightCountsForTheDayOfTheFirstAttempt()
    {
        var services = _silo.Services;
        var grains = services.GetRequiredService<IGrainFactory>();
        IncomingRecord[] records = [new("u1", "user_id", "clicks", 2, null, null, ""), new("u2", "user_id", "clicks", 3, null, null, "")];
        var request = new IngestRequest(Project, new ProjectIdTypes(ProjectIdTypes.Defaults), IsTest: false, IdempotencyKey: "late-night", records);
        var firstAttempt = await services.GetRequiredService<IIdempotencyStore>()
            .ClaimAsync(Project, "late-night", RequestFingerprint.Of(false, records), PacificDay.Of(_clock.Now));
        Assert.Equal(IdempotencyClaim.Claimed, firstAttempt.Status);

        _clock.Now = FirstDay.End.AddSeconds(3);
        var retry = await services.GetRequiredService<MetricIngestor>().IngestAsync(request);

        Assert.Equal(new IngestOutcome.Applied(2, Duplicate: false), retry);
        var firstDay = await grains.GetMetricDayGrain(new MetricDayId(Project, "clicks", FirstDay)).View(includeTest: false);
        Assert.Equal(5, firstDay!.Overall.Sum);
        Assert.Null(await grains.GetMetricDayGrain(new MetricDayId(Project, "clicks", FirstDay.Next)).View(includeTest: false));
    }
}
