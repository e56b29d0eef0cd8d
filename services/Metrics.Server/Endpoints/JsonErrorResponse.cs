using Google.Protobuf;

namespace Metrics.Server.Endpoints;

/// <summary>
/// An error answered over JSON before JSON transcoding reads the request, in the body transcoding writes for its
/// own errors: a <c>google.rpc.Status</c>, with its <c>BadRequest</c> details.
/// </summary>
internal static class JsonErrorResponse
{
    private static readonly JsonFormatter Formatter =
        new(JsonFormatter.Settings.Default.WithTypeRegistry(Google.Protobuf.Reflection.TypeRegistry.FromMessages(Google.Rpc.BadRequest.Descriptor)));

    public static Task WriteAsync(HttpResponse response, int httpStatus, Google.Rpc.Status status)
    {
        response.StatusCode = httpStatus;
        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(Formatter.Format(status));
    }
}
