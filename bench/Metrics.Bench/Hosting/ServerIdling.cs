namespace Metrics.Bench.Hosting;

public static class ServerIdling
{
    /// <summary>
    /// Waits (at most 20 s) until the node uses less than a tenth of a core: after warm-up calls the runtime keeps
    /// compiling hot methods in the background for a few seconds, which would take CPU from the next measurement.
    /// </summary>
    public static async Task WaitUntilIdleAsync(this MetricsServerProcess node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var before = CpuMeter.CpuTime(node.ProcessId);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            var now = CpuMeter.CpuTime(node.ProcessId);
            if (now is null || before is null || (now.Value - before.Value).TotalSeconds < 0.05)
                return;
            before = now;
        }
    }
}
