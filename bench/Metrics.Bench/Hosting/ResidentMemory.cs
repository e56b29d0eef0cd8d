namespace Metrics.Bench.Hosting;

/// <summary>The resident set of a process (what it holds in RAM), from /proc/PID/status.</summary>
public static class ResidentMemory
{
    /// <summary>VmRSS in bytes; null once the process is gone.</summary>
    public static long? Bytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            // "VmRSS:    123456 kB"
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
