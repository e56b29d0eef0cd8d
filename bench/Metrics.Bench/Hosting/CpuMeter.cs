using System.Diagnostics;

namespace Metrics.Bench.Hosting;

/// <summary>
/// CPU time used by the processes of a scenario — the server nodes, Redis and the harness itself (the load
/// generator) — over the scenario's wall time, read from /proc. It shows which of them a figure is bound by.
/// </summary>
public sealed class CpuMeter
{
    private readonly Dictionary<string, (int Pid, TimeSpan Start)> _processes = [];
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan? _machineStart = MachineBusyTime();

    public CpuMeter Watch(string name, int pid)
    {
        if (CpuTime(pid) is { } start)
            _processes[name] = (pid, start);
        return this;
    }

    /// <summary>Watches a process started during the measurement, counting its CPU time from its start.</summary>
    public CpuMeter WatchFromStart(string name, int pid)
    {
        _processes[name] = (pid, TimeSpan.Zero);
        return this;
    }

    /// <summary>
    /// Average cores used by each watched process since it was watched (a process that has exited is left out),
    /// and by everything else on the machine (<c>other processes</c>: the CPU time of the whole machine less the
    /// watched processes'), which on a shared machine says how much the figures were disturbed.
    /// </summary>
    public IReadOnlyDictionary<string, double> CoresUsed()
    {
        var wall = _wall.Elapsed.TotalSeconds;
        var used = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var watched = TimeSpan.Zero;
        foreach (var (name, (pid, start)) in _processes)
        {
            if (CpuTime(pid) is { } now)
            {
                used[name] = Math.Round((now - start).TotalSeconds / wall, 2);
                watched += now - start;
            }
        }
        if (_machineStart is { } machineStart && MachineBusyTime() is { } machineNow)
            used["other processes"] = Math.Round(Math.Max(0, (machineNow - machineStart - watched).TotalSeconds / wall), 2);
        return used;
    }

    public static CpuMeter ForHarness() => new CpuMeter().Watch("bench", Environment.ProcessId);

    /// <summary>Cores the whole machine keeps busy over <paramref name="sample"/>: before a run, what other processes use.</summary>
    public static async Task<double> MachineBusyCoresAsync(TimeSpan sample)
    {
        var start = MachineBusyTime();
        await Task.Delay(sample);
        return start is { } s && MachineBusyTime() is { } end ? (end - s).TotalSeconds / sample.TotalSeconds : 0;
    }

    /// <summary>CPU time the whole machine spent busy (all cores), from the first line of /proc/stat.</summary>
    private static TimeSpan? MachineBusyTime()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...
            var busy = new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(fields[i]));
            return TimeSpan.FromSeconds(busy / 100.0);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>User plus system time of a process, from /proc/PID/stat (in clock ticks of 1/100 s).</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": state is field 0, utime field 11, stime field 12.
            if (fields[0] == "Z")
                return null;
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
