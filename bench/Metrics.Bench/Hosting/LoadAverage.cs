namespace Metrics.Bench.Hosting;

/// <summary>The machine's load averages (1, 5 and 15 minutes), from /proc/loadavg.</summary>
public static class LoadAverage
{
    public static string Read() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
