using Metrics.Domain;
using Metrics.Grains.Ingestion;
using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Grains.Tests;

/// <summary>
/// In an in-process Orleans cluster, a metric-day grain sealed while the readiness grain still admits its day —
/// the state a readiness grain activated anew leaves, or a writer that outlived its lease meets — refuses its
/// slice of a request whose other slices are stored. The answer and the Logstream say exactly that.
/// </summary>
public sealed class IngestOutcomeClusterTests : IAsyncLifetime
{
    private const string Project = "p";
    private static readonly PacificDay Day = new(new DateOnly(2026, 5, 10));
    private EmbeddedSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await EmbeddedSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task ASliceRefusedBySealedGrainIsNamedAndRejectedWhileTheStoredOneCounts()
    {
        var services = _silo.Services;
        var grains = services.GetRequiredService<IGrainFactory>();
        await grains.GetMetricDayGrain(new MetricDayId(Project, "sealed_metric", Day)).Seal();

        var outcome = await services.GetRequiredService<MetricIngestor>().IngestAsync(new IngestRequest(
            Project, new ProjectIdTypes(ProjectIdTypes.Defaults), IsTest: false, IdempotencyKey: "k",
            [
                new IncomingRecord("u1", "user_id", "open_metric", 2, null, null, Day.ToString()),
                new IncomingRecord("u2", "user_id", "sealed_metric", 3, null, null, Day.ToString()),
                new IncomingRecord("u3", "user_id", "open_metric", 4, null, null, Day.ToString()),
            ]));

        var refused = Assert.IsType<IngestOutcome.DaysSealed>(outcome);
        Assert.Equal([Day], refused.Days);
        Assert.Equal(["open_metric on 2026-05-10"], refused.Stored);
        Assert.Equal(2, refused.StoredRecords);
        var stored = await grains.GetMetricDayGrain(new MetricDayId(Project, "open_metric", Day)).View(includeTest: false);
        Assert.Equal(6, stored!.Overall.Sum);

        var logstream = new List<LogstreamBatch>();
        await foreach (var batch in services.GetRequiredService<ILogstreamHistory>().ReadForwardAsync(Project, default, CancellationToken.None))
            logstream.Add(batch.Stored.Batch);
        var rejected = Assert.Single(logstream, b => b.Rejected);
        Assert.Equal(["u2"], rejected.Rows.Select(r => r.UserId));
        Assert.Equal("sealed_metric", rejected.MetricNameAt(0));
        Assert.Equal(1, rejected.RecordCount);
        Assert.Equal(refused.Reason, rejected.ReasonAt(0));
        Assert.Equal(["u1", "u3"], Assert.Single(logstream, b => !b.Rejected).Rows.Select(r => r.UserId));
    }

    /// <summary>A retry of that request: the slice stored by the first attempt is stored, not refused, and counts once.</summary>
    [Fact]
    public async Task ARetryCountsTheSliceItsFirstAttemptStoredAsStored()
    {
        var services = _silo.Services;
        var grains = services.GetRequiredService<IGrainFactory>();
        var ingestor = services.GetRequiredService<MetricIngestor>();
        await grains.GetMetricDayGrain(new MetricDayId(Project, "late_metric", Day)).Seal();
        var request = new IngestRequest(Project, new ProjectIdTypes(ProjectIdTypes.Defaults), IsTest: false, IdempotencyKey: "retried",
            [
                new IncomingRecord("u1", "user_id", "kept_metric", 2, null, null, Day.ToString()),
                new IncomingRecord("u2", "user_id", "late_metric", 3, null, null, Day.ToString()),
            ]);
        Assert.Equal(["kept_metric on 2026-05-10"], Assert.IsType<IngestOutcome.DaysSealed>(await ingestor.IngestAsync(request)).Stored);

        var retry = Assert.IsType<IngestOutcome.DaysSealed>(await ingestor.IngestAsync(request));

        Assert.Equal(["kept_metric on 2026-05-10"], retry.Stored);
        Assert.Equal(1, retry.StoredRecords);
        var kept = await grains.GetMetricDayGrain(new MetricDayId(Project, "kept_metric", Day)).View(includeTest: false);
        Assert.Equal(1, kept!.Overall.RowCount);
    }
}
