namespace Metrics.Grains.MetricDays;

/// <summary>A load's write was refused: its run's lease no longer holds the import (<see cref="ImportRunFence"/>); nothing was written.</summary>
public sealed class RunLeaseLostException(string message) : Exception(message);
