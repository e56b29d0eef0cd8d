using System.Globalization;

namespace Metrics.Domain.Health;

/// <summary>The data health checks of a metric-day, against the calendar day before it when that day has data.</summary>
public static class DataHealth
{
    public static IReadOnlyList<HealthWarning> Check(DayHealthFacts day, DayHealthFacts? dayBefore, HealthThresholds thresholds)
    {
        var warnings = new List<HealthWarning>();
        if (dayBefore is { Overall.UnitCount: > 0 } before)
        {
            Swing(warnings, HealthCheckKind.UnitsSwing, "units", before.Overall.UnitCount, day.Overall.UnitCount, thresholds.Swing);
            Swing(warnings, HealthCheckKind.SumSwing, day.IsRatio ? "sum of numerators" : "sum", before.Total, day.Total, thresholds.Swing);
        }
        var share = day.Overall.LargestUnitShare;
        if (day.Overall.UnitCount >= thresholds.ConcentrationMinUnits && share > thresholds.UnitShare)
            warnings.Add(new HealthWarning(HealthCheckKind.UnitConcentration, share, thresholds.UnitShare,
                $"one unit holds {Percent(share)} of the day's {(day.IsRatio ? "numerators" : "values")} (warns above {Percent(thresholds.UnitShare)})"));
        foreach (var idType in day.NewIdTypes)
            warnings.Add(new HealthWarning(HealthCheckKind.NewIdType, 0, 0,
                $"ID type {idType} first appears on this day: the metric's earlier days had other ID types"));
        var sent = day.Rejected + day.Overall.RowCount;
        if (day.Rejected > 0 && (double)day.Rejected / sent > thresholds.RejectedShare)
        {
            var rejected = (double)day.Rejected / sent;
            warnings.Add(new HealthWarning(HealthCheckKind.RejectedShare, rejected, thresholds.RejectedShare,
                $"{Percent(rejected)} of the records sent for this day were rejected ({Count(day.Rejected)} of {Count(sent)}; warns above {Percent(thresholds.RejectedShare)})"));
        }
        return warnings;
    }

    private static void Swing(List<HealthWarning> warnings, HealthCheckKind kind, string what, double before, double now, double threshold)
    {
        if (before == 0)
            return;
        var change = (now - before) / Math.Abs(before);
        if (Math.Abs(change) > threshold)
            warnings.Add(new HealthWarning(kind, change, threshold,
                $"{what} {Number(before)} → {Number(now)} from the day before ({(change > 0 ? "+" : "−")}{Percent(Math.Abs(change))}; warns beyond ±{Percent(threshold)})"));
    }

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Number(double n) => n.ToString("G6", CultureInfo.InvariantCulture);
}
