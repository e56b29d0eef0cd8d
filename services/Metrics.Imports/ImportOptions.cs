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

    /// <summary>
    /// How long a run's lease lasts unless renewed. Another activation of the imports grain that finds the run
    /// <c>RUNNING</c> fails it as orphaned only once its lease has expired: a run whose node died is failed about this
    /// long after (plus <see cref="RunLeaseRenewal"/>), and a run whose activation is alive is left to it.
    /// </summary>
    public TimeSpan RunLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the activation running a run renews its lease, and how often an activation that found another's run
    /// under way looks again whether it has ended or its lease expired. At most a third of <see cref="RunLease"/>.
    /// </summary>
    public TimeSpan RunLeaseRenewal { get; set; } = TimeSpan.FromSeconds(10);
}
