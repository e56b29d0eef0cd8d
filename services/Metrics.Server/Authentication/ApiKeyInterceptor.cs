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
    public const string Header = "statsig-api-key";
    private const string MetricsPackage = "/metrics.v1.";
    private const string IngestService = "/metrics.v1.IngestService/";

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
        var presented = context.RequestHeaders.GetValue(Header);
        if (string.IsNullOrEmpty(presented))
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"missing {Header} header"));
        var access = keys.Find(presented)
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, $"unknown {Header}"));
        if (access.Kind != KeyKind.ServerSecret && !context.Method.StartsWith(IngestService, StringComparison.Ordinal))
            throw new RpcException(new Status(StatusCode.PermissionDenied, "an ingest key may only call IngestService; use a server secret"));
        if (!rateLimiter.TryAcquire(access))
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "this key's request rate limit (Metrics:RateLimit) is used up; retry shortly"));
        context.UserState[typeof(ProjectAccess)] = access;
    }
}
