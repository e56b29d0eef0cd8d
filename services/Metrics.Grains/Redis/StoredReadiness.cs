using Metrics.Grains.Readiness;

namespace Metrics.Grains.Redis;

/// <summary><see cref="ReadinessState"/> as stored: plain arrays instead of sorted immutable collections.</summary>
[GenerateSerializer, Immutable]
public sealed record StoredReadiness(long Watermark, OpenDay[] OpenDays, CatalogEntry[] Catalog)
{
    public static StoredReadiness Of(ReadinessState state) => new(
        state.Watermark,
        state.OpenDays.Select(d => new OpenDay(d.Key, d.Value.ToArray())).ToArray(),
        state.Catalog.Values.ToArray());

    public ReadinessState ToState() =>
        ReadinessState.Restore(Watermark, OpenDays.Select(d => (d.Day, d.Metrics)), Catalog);
}

[GenerateSerializer, Immutable]
public sealed record OpenDay(DateOnly Day, string[] Metrics);
