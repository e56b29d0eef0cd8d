using Grpc.Core;
using Grpc.Core.Interceptors;
using Metrics.Grains;
using Metrics.Grains.MetricDays;

namespace Metrics.Server.Endpoints;

/// <summary>
/// Answers <c>UNAVAILABLE</c> (retryable) when the store or a node of the cluster could not be reached, or a
/// metric-day's stored version moved under a stale activation: the call was not acknowledged, and retrying it with
/// the same idempotency key is safe.
/// </summary>
public sealed class UnavailableInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Unavailable(e) is { } reason)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, reason));
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Unavailable(e) is { } reason)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, reason));
        }
    }

    private static string? Unavailable(Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case StorageUnavailableException:
                    return $"{cause.Message}; retry the call";
                case StoreConflictException:
                    // Two activations of one metric-day (a node lost and replaced): the stale one reloads on the retry.
                    return $"the metric-day was written through another activation ({cause.Message}); retry the call";
                case SiloUnavailableException or OrleansMessageRejectionException:
                    // Orleans' message names silos and exceptions: the log has it, the client gets the product's words.
                    return "a node of the cluster is unreachable, perhaps leaving or just declared dead; retry the call";
            }
        }
        return null;
    }
}
