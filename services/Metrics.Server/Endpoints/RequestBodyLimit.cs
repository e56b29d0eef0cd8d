using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace Metrics.Server.Endpoints;

/// <summary>
/// Applies <c>Metrics:MaxMessageBytes</c> to request bodies. A JSON request that declares a larger body is answered
/// HTTP 413 before it is read; a body of undeclared length (chunked) is cut off at the limit by Kestrel, and answered
/// the same by <see cref="JsonRequestBodyCheck"/>. gRPC requests get no body limit here: grpc-dotnet holds each message to the
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

    /// <summary>HTTP 413 and <c>RESOURCE_EXHAUSTED</c>, for a body of <paramref name="length"/> bytes, or of no declared length.</summary>
    public static Task TooLargeAsync(HttpResponse response, long? length, int maxBytes) =>
        JsonErrorResponse.WriteAsync(response, StatusCodes.Status413PayloadTooLarge, new Google.Rpc.Status
        {
            Code = (int)StatusCode.ResourceExhausted,
            Message = $"the request body{(length is { } bytes ? $" of {bytes} bytes" : "")} is larger than the limit of {maxBytes} bytes (Metrics:MaxMessageBytes)",
        });
}
