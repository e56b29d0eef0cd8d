using Metrics.Domain;
using Metrics.Grains.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains.Tests;

/// <summary>
/// SPEC §3: an idempotency key is remembered at least 7 days. The same request 7 days less a minute later is a
/// duplicate, counted once; a different body under the key is still refused. Past the retention the key is free.
/// </summary>
public sealed class IdempotencyRetentionTests : IAsyncLifetime
{
    private const string Project = "p";
    private static readonly PacificDay Day = new(new DateOnly(2026, 6, 1));
    private readonly ManualClock _clock = new(Day.Start.AddHours(12));
    private EmbeddedSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await EmbeddedSilo.StartAsync(_clock);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private static IngestRequest Request(string metric, double value) => new(Project, new ProjectIdTypes(ProjectIdTypes.Defaults), IsTest: false,
        IdempotencyKey: "weekly-load", [new IncomingRecord("u1", "user_id", metric, value, null, null, Day.ToString())]);

    [Fact]
    public async Task AKeyIsRememberedSevenDaysAndForgottenAfter()
    {
        var ingestor = _silo.Services.GetRequiredService<MetricIngestor>();
        Assert.Equal(new IngestOutcome.Applied(1, Duplicate: false), await ingestor.IngestAsync(Request("weekly", 2)));

        _clock.Now += IdempotencyKey.Retention - TimeSpan.FromMinutes(1);
        Assert.Equal(new IngestOutcome.Applied(0, Duplicate: true), await ingestor.IngestAsync(Request("weekly", 2)));
        Assert.IsType<IngestOutcome.Invalid>(await ingestor.IngestAsync(Request("weekly", 5)));

        _clock.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(new IngestOutcome.Applied(1, Duplicate: false), await ingestor.IngestAsync(Request("other_weekly", 5)));
    }
}
