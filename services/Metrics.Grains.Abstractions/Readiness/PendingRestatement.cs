using System.Globalization;

namespace Metrics.Grains.Readiness;

/// <summary>
/// A restatement an import run is about to swap in, stored in the readiness state before the swap so that its
/// announcement survives a crash between the swap and the publish. Resolved by the metric-day's version: past
/// <see cref="VersionBefore"/>, the restatement landed and is announced; not past it, it did not (or not yet).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PendingRestatement(string MetricName, DateOnly Date, int VersionBefore, DateTimeOffset Since)
{
    /// <summary>One per metric-day: its field in the stored state.</summary>
    public string Key => KeyOf(MetricName, Date);

    public static string KeyOf(string metricName, DateOnly date) => $"{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{metricName}";
}
