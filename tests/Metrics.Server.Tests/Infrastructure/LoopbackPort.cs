using System.Net;
using System.Net.Sockets;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>Free TCP ports on the loopback interface, for the processes the tests start.</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
