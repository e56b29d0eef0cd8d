using Grpc.Core;

namespace Metrics.Server.Endpoints;

/// <summary>
/// A streaming call (a Logstream subscription, a readiness watch) never ends by itself. When the node begins to
/// stop (SIGTERM), the stream ends with <c>UNAVAILABLE</c>, so that the client goes on through another node and
/// the drain does not wait for it until the shutdown timeout.
/// </summary>
internal static class StreamDrain
{
    /// <summary>Runs <paramref name="stream"/> with a token cancelled when the caller leaves or the node begins to stop.</summary>
    public static async Task RunAsync(ServerCallContext context, string howToGoOn, Func<CancellationToken, Task> stream)
    {
        var stopping = context.GetHttpContext().RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var untilStopped = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            await stream(untilStopped.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"this node is shutting down; {howToGoOn}"));
        }
    }
}
