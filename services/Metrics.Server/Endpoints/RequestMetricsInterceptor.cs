using Grpc.Core;
using Grpc.Core.Interceptors;
using Metrics.Grains.Telemetry;
using Metrics.Server.Authentication;

namespace Metrics.Server.Endpoints;

/// <summary>
/// Counts every RPC with its project, method and the status code it answered (<c>metrics_requests_total</c>),
/// outermost of the interceptors: a call refused for its key counts under project <c>unknown</c>. With traces on, the
/// RPC's span gets the project too.
/// </summary>
internal sealed class RequestMetricsInterceptor(ProductMeters meters) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var code = StatusCode.OK;
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException e)
        {
            code = e.StatusCode;
            throw;
        }
        finally
        {
            Record(context, code);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var code = StatusCode.OK;
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (RpcException e)
        {
            code = e.StatusCode;
            throw;
        }
        finally
        {
            Record(context, code);
        }
    }

    private void Record(ServerCallContext context, StatusCode code)
    {
        var project = context.UserState.TryGetValue(typeof(ProjectAccess), out var access) ? ((ProjectAccess)access).Project : "unknown";
        SpanAttributes.TagProject(project);
        meters.Request(project, context.Method[(context.Method.LastIndexOf('/') + 1)..], code.ToString());
    }
}
