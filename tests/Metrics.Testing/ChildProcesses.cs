using System.Collections.Concurrent;
using System.Diagnostics;

namespace Metrics.Testing;

/// <summary>
/// Every process the hosts of this library start (redis-server, Metrics.Server) is registered here, so that
/// whatever ends the test host or the harness — a failure, Ctrl-C, SIGTERM — the processes it started are killed
/// by their PID and nothing is left running.
/// </summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    public static void Register(Process process) => Running[process.Id] = process;

    public static void Forget(Process process) => Running.TryRemove(process.Id, out _);

    /// <summary>SIGTERM, then SIGKILL if the process has not exited within <paramref name="grace"/>.</summary>
    public static async Task StopAsync(Process process, TimeSpan grace)
    {
        if (!process.HasExited)
        {
            Signals.TrySend(process.Id, Signals.Terminate);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                await KillAsync(process);
            }
        }
        Forget(process);
    }

    /// <summary>SIGKILL, as a crash would end it.</summary>
    public static async Task KillAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        Forget(process);
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                if (!process.HasExited)
                    process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Disposed meanwhile by its host.
            }
        }
        Running.Clear();
    }
}
