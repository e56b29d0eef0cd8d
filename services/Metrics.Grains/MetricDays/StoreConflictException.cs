namespace Metrics.Grains.MetricDays;

/// <summary>A store write expected a version that another writer had already moved past.</summary>
[GenerateSerializer]
public sealed class StoreConflictException(string message) : Exception(message);
