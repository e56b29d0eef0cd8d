namespace Metrics.Grains.Readiness;

/// <summary>Durable storage of readiness state, keyed like the readiness grain.</summary>
public interface IReadinessStore
{
    Task<ReadinessState> LoadAsync(string key);

    Task SaveAsync(string key, ReadinessState state);
}
