namespace Metrics.Grains.MetricDays;

/// <summary>
/// The lease a load is committed under: the import's run <see cref="RunId"/>, held by the imports grain's activation
/// <see cref="Owner"/>. The store writes the load only while that lease still holds the import, in the same step as
/// the write, so a run that lost its lease (stopped, then woken after another activation took the import over) swaps
/// nothing in.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ImportRunFence(string ImportId, string Owner, string RunId);
