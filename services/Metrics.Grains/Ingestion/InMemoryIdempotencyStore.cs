using System.Collections.Concurrent;
using Metrics.Domain;

namespace Metrics.Grains.Ingestion;

/// <summary>The embedded mode's idempotency keys: process memory, forgotten after their retention.</summary>
public sealed class InMemoryIdempotencyStore(TimeProvider clock) : IIdempotencyStore
{
    private sealed record Claim(string Fingerprint, bool Applied, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<(string Project, string Key), Claim> _claims = new();
    private readonly Lock _sweepGate = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public Task<IdempotencyClaim> ClaimAsync(string project, string key, string fingerprint)
    {
        var now = clock.GetUtcNow();
        var claim = new Claim(fingerprint, false, now + IdempotencyKey.Retention);
        while (true)
        {
            if (_claims.TryAdd((project, key), claim))
            {
                Sweep(now);
                return Task.FromResult(IdempotencyClaim.Claimed);
            }
            if (!_claims.TryGetValue((project, key), out var found))
                continue;
            if (found.Expires <= now)
            {
                if (_claims.TryUpdate((project, key), claim, found))
                    return Task.FromResult(IdempotencyClaim.Claimed);
                continue;
            }
            return Task.FromResult(
                found.Fingerprint != fingerprint ? IdempotencyClaim.OtherRequest
                : found.Applied ? IdempotencyClaim.Applied
                : IdempotencyClaim.ClaimedBefore);
        }
    }

    public Task MarkAppliedAsync(string project, string key, string fingerprint)
    {
        _claims[(project, key)] = new Claim(fingerprint, true, clock.GetUtcNow() + IdempotencyKey.Retention);
        return Task.CompletedTask;
    }

    private void Sweep(DateTimeOffset now)
    {
        lock (_sweepGate)
        {
            if (now < _nextSweep)
                return;
            _nextSweep = now + TimeSpan.FromHours(1);
        }
        foreach (var (entry, claim) in _claims)
            if (claim.Expires <= now)
                _claims.TryRemove(KeyValuePair.Create(entry, claim));
    }
}
