namespace Metrics.Imports;

/// <summary>The <c>Metrics:Imports</c> configuration section.</summary>
public sealed class ImportOptions
{
    public const string Section = "Metrics:Imports";

    /// <summary>
    /// How often each project with scheduled imports looks whether one is due: a schedule's run starts at most this
    /// long after its time. Orleans reminders drive it, so it holds across restarts of every node.
    /// </summary>
    public TimeSpan ScheduleCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
