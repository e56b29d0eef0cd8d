namespace Metrics.Server.Endpoints;

public static class HttpRequestExtensions
{
    /// <summary>A gRPC call, as opposed to a JSON request transcoded onto the same service.</summary>
    public static bool IsGrpc(this HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;
}
