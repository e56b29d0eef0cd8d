using System.Collections.Concurrent;
using Metrics.Domain;

namespace Metrics.Grains.Health;

/// <summary>
/// The embedded mode's tally: the counts of each project and day, dropped once no count was added to them for the
/// retention (as the Redis deployment's hash expires). Stale days are swept at most once an hour, not at every add:
/// a flood of refused requests pays for its counts only.
/// </summary>
internal sealed class InMemoryRejectionTally(TimeProvider clock) : IRejectionTally
{
    private sealed class DayCounts
    {
        public readonly ConcurrentDictionary<string, long> Metrics = new(StringComparer.Ordinal);
        public DateTimeOffset LastAdded;
    }

    private static readonly TimeSpan SweepEvery = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(string Project, PacificDay Day), DayCounts> _days = new();
    private long _lastSweepTicks;

    public Task AddAsync(string project, IReadOnlyCollection<RejectedCount> counts)
    {
        var now = clock.GetUtcNow();
        SweepIfDue(now);
        foreach (var count in counts)
        {
            var day = _days.GetOrAdd((project, count.Day), _ => new DayCounts());
            day.LastAdded = now;
            if (day.Metrics.Count < IRejectionTally.MetricsPerDay || day.Metrics.ContainsKey(count.MetricName))
                day.Metrics.AddOrUpdate(count.MetricName, count.Records, (_, n) => n + count.Records);
        }
        return Task.CompletedTask;
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < SweepEvery.Ticks || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
            return;
        foreach (var (key, stale) in _days.Where(d => now - d.Value.LastAdded > IRejectionTally.Retention))
            _days.TryRemove(KeyValuePair.Create(key, stale));
    }

    public Task<long> CountAsync(string project, string metricName, PacificDay day) =>
        Task.FromResult(_days.TryGetValue((project, day), out var counts) ? counts.Metrics.GetValueOrDefault(metricName) : 0);
}
