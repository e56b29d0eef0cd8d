using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Metrics.Server.Authentication;

/// <summary>
/// Authenticates every call to a <c>metrics.v1</c> service by its <c>statsig-api-key</c> header and records the
/// caller's project for the service. Ingest keys may only call IngestService; every key is held to the rate
/// limit, when one is set. Health and reflection are open.
/// </summary>
public sealed class ApiKeyInterceptor(ApiKeyRing keys, KeyRateLimiter rateLimiter) : Interceptor
{
    public const string Header = ApiKeyRing.Header;
    private const string MetricsPackage = "/metrics.v1.";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    private void Authorize(ServerCallContext context)
    {
        if (!context.Method.StartsWith(MetricsPackage, StringComparison.Ordinal))
            return;
        var access = keys.Authorize(context.Method, context.RequestHeaders.GetValue(Header));
        if (!rateLimiter.TryAcquire(access))
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "this key's request rate limit (Metrics:RateLimit) is used up; retry shortly"));
        context.UserState[typeof(ProjectAccess)] = access;
    }
}
