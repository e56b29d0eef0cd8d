namespace Metrics.Grains.MetricDays;

/// <summary>
/// The embedded mode's check of a load's <see cref="ImportRunFence"/>, kept by the store of the import run leases: in
/// Redis the same check is part of the script that writes the load.
/// </summary>
public interface IImportRunFences
{
    /// <summary>Runs <paramref name="write"/> if <paramref name="fence"/>'s run still holds its import's lease, as one step with the check; false if not.</summary>
    bool WriteIfHeld(string project, ImportRunFence fence, Action write);
}
