using System.Runtime.InteropServices;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>POSIX signals to a process the tests started, by its PID.</summary>
public static class Signals
{
    public const int Terminate = 15;
    public const int Stop = 19;
    public const int Continue = 18;

    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
