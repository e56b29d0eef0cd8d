using System.Runtime.InteropServices;

namespace Metrics.Testing;

/// <summary>POSIX signals to a process the tests or the harness started, by its PID.</summary>
public static class Signals
{
    public const int Terminate = 15;
    public const int Stop = 19;
    public const int Continue = 18;

    public static void Send(int pid, int signal)
    {
        if (!TrySend(pid, signal))
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>False when the signal could not be sent, e.g. to a process that has just exited.</summary>
    public static bool TrySend(int pid, int signal) => kill(pid, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
