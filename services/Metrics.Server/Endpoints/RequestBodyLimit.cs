using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace Metrics.Server.Endpoints;

/// <summary>
/// Applies <c>Metrics:MaxMessageBytes</c> to request bodies. A JSON request that declares a larger body is answered
/// HTTP 413 before it is read; a body of undeclared length (chunked) is cut off at the limit by Kestrel, which JSON
/// transcoding answers with 400. gRPC requests get no body limit here: grpc-dotnet holds each message to the
/// same limit and answers RESOURCE_EXHAUSTED, where Kestrel's own body limit would fail the call as UNKNOWN.
/// </summary>
public static class RequestBodyLimit
{
    public static Func<HttpContext, RequestDelegate, Task> Of(int maxBytes) => (context, next) =>
    {
        var request = context.Request;
        var bodyLimit = context.Features.GetRequiredFeature<IHttpMaxRequestBodySizeFeature>();
        if (request.IsGrpc())
        {
            bodyLimit.MaxRequestBodySize = null;
            return next(context);
        }
        if (request.ContentLength is { } length && length > maxBytes)
            return TooLargeAsync(context.Response, length, maxBytes);
        bodyLimit.MaxRequestBodySize = maxBytes;
        return next(context);
    };

    /// <summary>The error body JSON transcoding writes for its own errors (a <c>google.rpc.Status</c>).</summary>
    private static Task TooLargeAsync(HttpResponse response, long length, int maxBytes)
    {
        response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return response.WriteAsJsonAsync(new
        {
            code = (int)StatusCode.ResourceExhausted,
            message = $"the request body of {length} bytes is larger than the limit of {maxBytes} bytes (Metrics:MaxMessageBytes)",
            details = Array.Empty<object>(),
        });
    }
}
