using System.Diagnostics.Metrics;
using Metrics.Domain;
using Metrics.Grains.Logstream;
using Metrics.Grains.MetricDays;
using Metrics.Grains.Telemetry;
using Metrics.Storage.Redis;
using Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Metrics.Grains.Tests;

/// <summary>
/// A node's Logstream reader that falls behind retention (the project ingests faster than it reads, the node pauses)
/// finds the entries trimmed before it read them by the gap in the entries' numbers: its live subscribers are told
/// how many they lost, exactly, never lose them silently.
/// </summary>
public sealed class LogstreamFollowerTrimTests
{
    [Fact]
    public async Task EntriesTrimmedBeforeTheFollowerReadThemAreAnnouncedToLiveSubscribers()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var options = Options.Create(new LogstreamOptions { MaxEntries = 2, SubscriberBuffer = 1_000_000 });
        var quotas = new DefaultQuotas();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = new ProductMeters(services.GetRequiredService<IMeterFactory>(), TimeProvider.System);
        var hub = new LogstreamHub(options, quotas, meters);
        var logstream = new RedisLogstream(connection, options, quotas);
        using var follower = new RedisLogstreamFollower(connection, hub, NullLogger<RedisLogstreamFollower>.Instance);
        var feed = new LogstreamFeed(hub, logstream, follower);

        const string project = "trim";
        var filter = new LogstreamFilter(false, false, new HashSet<string>(), new HashSet<string>(), "");
        using var live = await feed.SubscribeAsync(project, filter);

        const int batches = 500;
        var day = new MetricDayId(project, "m", new PacificDay(new DateOnly(2026, 4, 2)));
        // Appended concurrently, as several nodes' ingests would: retention keeps 2 batches.
        await Task.WhenAll(Enumerable.Range(0, batches).Select(i => logstream.AppendAsync(LogstreamBatch.Accepted(day,
            new MetricSlice(null, false, DateTimeOffset.UtcNow, [new UnitRow("user_id", $"u{i}", 1, null, null)], "")))));

        long received = 0, announced = 0;
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await foreach (var item in feed.ReadAsync(live, 0, null, quiet.Token))
            {
                received++;
                announced += (long)item.DroppedBefore;
            }
        }
        catch (OperationCanceledException)
        {
        }
        Assert.True(received < batches, "retention removed nothing before the reader read it: the test shows nothing");
        Assert.Equal(batches, received + announced);
    }
}
