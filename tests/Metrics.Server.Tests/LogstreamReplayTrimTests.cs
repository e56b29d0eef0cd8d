using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Metrics.Server.Tests;

/// <summary>
/// A subscriber resumes from the oldest retained cursor and stops reading after one entry, while a writer appends
/// more batches than the window retains: retention trims what the replay has not read yet. Whatever it then
/// receives, nothing is skipped silently — each gap in the sequence is announced by <c>dropped_before</c> on the
/// entry after it.
/// </summary>
public sealed class LogstreamReplayTrimTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>More than a page of the Redis replay (256 batches), so that the replay reads several.</summary>
    private const int Retained = 600;
    private const int RecordsPerBatch = 4;
    private const int WrittenUnderneath = 700;

    private MetricsServerProcess _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServers.StartAsync(new Dictionary<string, string> { ["Metrics:Logstream:MaxEntries"] = Retained.ToString() });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EntriesTrimmedUnderASlowReplayAreReportedNotSkipped()
    {
        var project = TestProject.Of(0);
        using var channel = _server.CreateChannel();
        var ingest = new IngestService.IngestServiceClient(channel);
        var logstream = new LogstreamService.LogstreamServiceClient(channel);
        var headers = ProjectKeys.Headers(project.ServerSecret);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        LogstreamEntry first;
        using (var live = await logstream.SubscribeLiveAsync(new SubscribeRequest(), headers, timeout.Token))
        {
            for (var batch = 0; batch < Retained; batch++)
                await ingest.LogCustomMetricAsync(Batch(batch), headers, cancellationToken: timeout.Token);
            first = (await live.TakeAsync(1, timeout.Token))[0];
        }

        // Resumed after the oldest entry, read once, then left unread: the server's writes back up mid-replay.
        using var resumed = logstream.Subscribe(new SubscribeRequest { AfterCursor = first.Cursor }, headers, cancellationToken: timeout.Token);
        var received = await resumed.TakeAsync(1, timeout.Token);
        for (var batch = Retained; batch < Retained + WrittenUnderneath; batch++)
            await ingest.LogCustomMetricAsync(Batch(batch), headers, cancellationToken: timeout.Token);
        var lastWritten = UserId(Retained + WrittenUnderneath - 1, RecordsPerBatch - 1);
        while (received[^1].UserId != lastWritten)
            received.AddRange(await resumed.TakeAsync(1, timeout.Token));

        var position = Position(first);
        var gaps = 0;
        foreach (var entry in received)
        {
            var next = position + 1;
            position = Position(entry);
            if (position == next)
                continue;
            gaps++;
            Assert.True(position > next, $"{entry.UserId[..12]} came after {next - 1}: out of order");
            Assert.True(entry.DroppedBefore > 0, $"{position - next} entries before {entry.UserId[..12]} were skipped silently");
        }
        output.WriteLine($"{received.Count} entries received, {gaps} gaps announced by dropped_before");
        // The embedded replay reads one snapshot, which retention cannot trim; the Redis replay reads page by page,
        // and the writes underneath must have overtaken it, or this run proved nothing about it.
        if (TestStorage.UsesRedis)
            Assert.True(gaps > 0, "retention never overtook the replay: the test wrote too little underneath");
    }

    /// <summary>An entry's place in the sequence written: batch × records per batch + record.</summary>
    private static int Position(LogstreamEntry entry) =>
        int.Parse(entry.UserId[1..6]) * RecordsPerBatch + int.Parse(entry.UserId[8..9]);

    private static string UserId(int batch, int record) => $"b{batch:D5}-r{record}-".PadRight(200, 'x');

    private static LogCustomMetricRequest Batch(int batch) => new()
    {
        Metrics =
        {
            Enumerable.Range(0, RecordsPerBatch).Select(record => new MetricRecord
            {
                UserId = UserId(batch, record), IdType = "user_id", MetricName = "trimmed", MetricValue = record, Date = "2026-05-10",
            }),
        },
    };
}
