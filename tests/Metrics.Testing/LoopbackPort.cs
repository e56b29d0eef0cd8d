using System.Net;
using System.Net.Sockets;

namespace Metrics.Testing;

/// <summary>
/// Free TCP ports on the loopback interface, for the processes the tests and the benchmark start. They come from below Linux's
/// ephemeral range (32768 and up), where the outgoing connections of the run's own clients take their source
/// ports: a port handed out here cannot be taken by one of them before its server binds it. No port is handed
/// out twice in a run.
/// </summary>
public static class LoopbackPort
{
    private const int First = 20000;
    private const int Count = 12000;
    private static int _next = Random.Shared.Next(Count);

    public static int Free()
    {
        while (true)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by something else: try the next one.
            }
        }
    }
}
