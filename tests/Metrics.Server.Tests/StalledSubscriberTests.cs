using System.Globalization;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Metrics.Testing;
using static Metrics.Server.Tests.Infrastructure.Ingesting;

namespace Metrics.Server.Tests;

/// <summary>
/// A Logstream subscriber that stops reading while 50,000 records are ingested loses entries and is told how
/// many, and does not slow the subscriber that keeps reading. Heavy: on the server of the heavy tests, where no
/// other test's load makes the active subscriber fall behind.
/// </summary>
[Collection(HeavyTestsCollection.Name)]
public sealed class StalledSubscriberTests(HeavyTestsServer heavy)
{
    private const string Date = "2026-06-01";

    [Fact]
    public async Task StalledSubscriberLosesEntriesAndIsToldHowManyWithoutSlowingOthers()
    {
        const int calls = 50;
        const int perCall = 1000;
        const int total = calls * perCall;
        var server = heavy.Server;
        var project = server.NewProject();
        var headers = project.SecretHeaders;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        using var stalled = await server.Logstream.SubscribeLiveAsync(new SubscribeRequest(), headers, timeout.Token);
        using var active = await server.Logstream.SubscribeLiveAsync(new SubscribeRequest(), headers, timeout.Token);

        var markers = 0;
        var ingestionDone = 0;
        var activeReceived = 0;
        // Publishes a marker record whenever the subscriber has gone quiet (it holds nothing more): the marker gets
        // through and carries the count of entries lost since the previous entry.
        async Task<(List<LogstreamEntry> Entries, ulong Dropped, int MarkersPublished)> ReadUntilMarkerAsync(
            AsyncServerStreamingCall<LogstreamEntry> call, Func<bool> mayMark, Action? onEntry = null)
        {
            var entries = new List<LogstreamEntry>();
            ulong dropped = 0;
            while (true)
            {
                var move = call.ResponseStream.MoveNext(timeout.Token);
                while (await Task.WhenAny(move, Task.Delay(TimeSpan.FromSeconds(1), timeout.Token)) != move)
                {
                    timeout.Token.ThrowIfCancellationRequested();
                    if (mayMark())
                        await IngestAsync(server, project, Record($"marker-{Interlocked.Increment(ref markers)}", "flood", 1, Date));
                }
                Assert.True(await move, "the Logstream ended");
                var entry = call.ResponseStream.Current;
                entries.Add(entry);
                onEntry?.Invoke();
                dropped += entry.DroppedBefore;
                if (entry.UserId.StartsWith("marker-", StringComparison.Ordinal))
                    return (entries, dropped, int.Parse(entry.UserId["marker-".Length..], CultureInfo.InvariantCulture));
            }
        }

        var activeReader = Task.Run(() => ReadUntilMarkerAsync(
            active, () => Volatile.Read(ref ingestionDone) == 1, () => Interlocked.Increment(ref activeReceived)));

        for (var c = 0; c < calls; c++)
        {
            // The active subscriber keeps up: never more than two calls behind, well inside its buffer, however busy
            // the machine. The stalled one falls 50 calls behind.
            while (Volatile.Read(ref activeReceived) < (c - 2) * perCall)
                await Task.Delay(5, timeout.Token);
            var request = new LogCustomMetricRequest
            {
                Metrics = { Enumerable.Range(0, perCall).Select(i => Record($"s{c}-{i}", "flood", 1, Date)) },
            };
            // A generous deadline: a call held back by the stalled subscriber would not answer at all.
            var reply = await server.Ingest.LogCustomMetricAsync(request, headers, deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: timeout.Token);
            Assert.True(reply.Success);
            Assert.Equal(perCall, reply.Accepted);
        }
        Volatile.Write(ref ingestionDone, 1);

        // The subscriber that keeps reading has everything, in order, and lost nothing.
        var (activeEntries, activeDropped, activeMarker) = await activeReader;
        var activeFlood = activeEntries.Where(e => e.UserId.StartsWith('s')).ToList();
        Assert.True(activeDropped == 0 && activeFlood.Count == total,
            $"the actively reading subscriber received {activeFlood.Count} of {total} entries; {activeDropped} reported dropped "
            + $"({activeEntries.Count(e => e.DroppedBefore > 0)} entries with dropped_before > 0)");
        Assert.Equal((ulong)(total + activeMarker), (ulong)activeEntries.Count + activeDropped);
        var activeOrder = activeFlood.Select(e => ParseFlood(e.UserId)).ToList();
        Assert.Equal(activeOrder.Order(), activeOrder);

        // The stalled subscriber, read now: it lost entries, is told how many, and nothing is unaccounted for.
        var (stalledEntries, stalledDropped, stalledMarker) = await ReadUntilMarkerAsync(stalled, () => true);
        Assert.Contains(stalledEntries, e => e.DroppedBefore > 0);
        Assert.True(stalledDropped > 0);
        Assert.Equal((ulong)(total + stalledMarker), (ulong)stalledEntries.Count + stalledDropped);
        Assert.Equal(stalledEntries.Count, stalledEntries.Select(e => e.UserId).Distinct().Count());
        var stalledOrder = stalledEntries.Where(e => e.UserId.StartsWith('s')).Select(e => ParseFlood(e.UserId)).ToList();
        Assert.Equal(stalledOrder.Order(), stalledOrder);

        // The node's meters say the same: two subscribers, and exactly the entries the stalled one was told it lost.
        using var admin = new HttpClient { BaseAddress = server.Process.AdminAddress };
        var scrape = await Scrape.OfAsync(admin);
        Assert.Equal(2, scrape.Value("metrics_logstream_subscribers", ("project", project.Name)));
        Assert.Equal(stalledDropped, scrape.Value("metrics_logstream_dropped_total", ("project", project.Name)));
    }


    private static (int Call, int Index) ParseFlood(string user)
    {
        var dash = user.IndexOf('-');
        return (int.Parse(user[1..dash], CultureInfo.InvariantCulture), int.Parse(user[(dash + 1)..], CultureInfo.InvariantCulture));
    }
}
