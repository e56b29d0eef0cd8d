using System.Threading.RateLimiting;
using Metrics.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Authentication;

/// <summary>
/// The per-key request rate limit (<c>Metrics:RateLimit</c>, off by default): a token bucket for every key, on each
/// node, refilled <c>RequestsPerSecond</c> times a second up to <c>Burst</c>. A streaming call counts once, when it starts.
/// </summary>
public sealed class KeyRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<ProjectAccess>? _limiter;

    public KeyRateLimiter(IOptions<MetricsOptions> options)
    {
        var limit = options.Value.RateLimit;
        if (limit.RequestsPerSecond <= 0)
            return;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst > 0 ? limit.Burst : limit.RequestsPerSecond,
            TokensPerPeriod = limit.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
        };
        // One bucket per key: every key has its own ProjectAccess instance, so the partition is by reference.
        _limiter = PartitionedRateLimiter.Create<ProjectAccess, ProjectAccess>(
            access => RateLimitPartition.GetTokenBucketLimiter(access, _ => bucket), ReferenceEqualityComparer.Instance);
    }

    /// <summary>False when the key has used up its requests for now.</summary>
    public bool TryAcquire(ProjectAccess access)
    {
        if (_limiter is null)
            return true;
        using var lease = _limiter.AttemptAcquire(access);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter?.Dispose();
}
