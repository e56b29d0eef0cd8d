using System.Collections.Concurrent;
using Metrics.Domain;

namespace Metrics.Grains.Ingestion;

/// <summary>The embedded mode's idempotency keys: process memory, forgotten after their retention.</summary>
public sealed class InMemoryIdempotencyStore(TimeProvider clock) : IIdempotencyStore
{
    private sealed record Claim(string Fingerprint, PacificDay IngestionDay, bool Applied, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<(string Project, string Key), Claim> _claims = new();
    private readonly Lock _sweepGate = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public Task<KeyClaim> ClaimAsync(string project, string key, string fingerprint, PacificDay ingestionDay)
    {
        var now = clock.GetUtcNow();
        var claim = new Claim(fingerprint, ingestionDay, false, now + IdempotencyKey.Retention);
        while (true)
        {
            if (_claims.TryAdd((project, key), claim))
            {
                Sweep(now);
                return Task.FromResult(new KeyClaim(IdempotencyClaim.Claimed, ingestionDay));
            }
            if (!_claims.TryGetValue((project, key), out var found))
                continue;
            if (found.Expires <= now)
            {
                if (_claims.TryUpdate((project, key), claim, found))
                    return Task.FromResult(new KeyClaim(IdempotencyClaim.Claimed, ingestionDay));
                continue;
            }
            return Task.FromResult(new KeyClaim(
                found.Fingerprint != fingerprint ? IdempotencyClaim.OtherRequest
                : found.Applied ? IdempotencyClaim.Applied
                : IdempotencyClaim.ClaimedBefore,
                found.IngestionDay));
        }
    }

    public Task MarkAppliedAsync(string project, string key, string fingerprint, PacificDay ingestionDay)
    {
        _claims[(project, key)] = new Claim(fingerprint, ingestionDay, true, clock.GetUtcNow() + IdempotencyKey.Retention);
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string project, string key, string fingerprint, PacificDay ingestionDay)
    {
        if (_claims.TryGetValue((project, key), out var found) && found is { Applied: false } && found.Fingerprint == fingerprint && found.IngestionDay == ingestionDay)
            _claims.TryRemove(KeyValuePair.Create((project, key), found));
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
