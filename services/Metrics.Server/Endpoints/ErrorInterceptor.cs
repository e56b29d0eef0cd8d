using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Metrics.Server.Endpoints;

/// <summary>
/// What a call that failed unexpectedly answers (SPEC §7): the product's own sentence and a request ID, never an
/// exception's text; the cause goes to the log under that ID. A <see cref="RetryableFailure"/> answers
/// <c>UNAVAILABLE</c>, anything else <c>INTERNAL</c>; the services' own <see cref="RpcException"/>s pass unchanged.
/// The request ID is also in the <c>metrics-request-id</c> trailer (gRPC) or response header (JSON). A client that
/// ends its call is no failure.
/// </summary>
internal sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public const string RequestIdKey = "metrics-request-id";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (EndedByClient(e, context))
        {
            LogEndedByClient(logger, context.Method);
            throw new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Answer(e, context);
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
        catch (Exception e) when (EndedByClient(e, context))
        {
            // Nobody is left to answer: a Logstream subscriber that hangs up is how a subscription ends.
            LogEndedByClient(logger, context.Method);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Answer(e, context);
        }
    }

    private static bool EndedByClient(Exception e, ServerCallContext context) =>
        e is OperationCanceledException or IOException && context.CancellationToken.IsCancellationRequested;

    private RpcException Answer(Exception e, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var requestId = http.TraceIdentifier;
        Status status;
        if (RetryableFailure.Of(e) is { } retryable)
        {
            LogRetryable(logger, context.Method, requestId, retryable.Cause);
            status = RpcErrors.Unavailable(retryable.Sentence, requestId);
        }
        else
        {
            LogInternal(logger, e, context.Method, requestId);
            status = RpcErrors.Internal(requestId);
        }
        if (!http.Request.IsGrpc())
        {
            // JSON transcoding keeps no trailers: the ID travels as a header, while the response has not started.
            if (!http.Response.HasStarted)
                http.Response.Headers[RequestIdKey] = requestId;
            return new RpcException(status);
        }
        return new RpcException(status, new Metadata { { RequestIdKey, requestId } });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method}: the client ended the call")]
    private static partial void LogEndedByClient(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} answered UNAVAILABLE (request {RequestId}): {Cause}")]
    private static partial void LogRetryable(ILogger logger, string method, string requestId, string cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed unexpectedly, answered INTERNAL (request {RequestId})")]
    private static partial void LogInternal(ILogger logger, Exception exception, string method, string requestId);
}
