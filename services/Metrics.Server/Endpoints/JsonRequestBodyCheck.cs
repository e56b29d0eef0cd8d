using System.Text.Json;
using Grpc.Core;
using Metrics.Server.Authentication;
using Metrics.Server.Configuration;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Metrics.Server.Endpoints;

/// <summary>
/// Reads the body of a JSON request before JSON transcoding does and refuses, with <c>INVALID_ARGUMENT</c> naming
/// the place, what transcoding would refuse without saying where (malformed JSON, a value of the wrong JSON type:
/// see <see cref="JsonShape"/>) or would take wrongly (a field given twice: transcoding appends the second array to
/// the first), and a body that is not JSON. Transcoding has no hook for either, and logs each refusal with a stack
/// trace; here it is one line.
/// A body over <c>Metrics:MaxMessageBytes</c> sent without a length is answered as one that declares it. The key is
/// checked first, as the gRPC call's interceptor checks it: a caller without a valid key learns nothing of the body's rules.
/// </summary>
internal sealed partial class JsonRequestBodyCheck(
    RequestDelegate next, ApiKeyRing keys, IOptions<MetricsOptions> options, ILogger<JsonRequestBodyCheck> logger)
{
    private static readonly JsonDocumentOptions Reading = new() { MaxDepth = 64 };

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.IsGrpc()
            || context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not { HttpRule.Body: "*" } transcoded)
        {
            await next(context);
            return;
        }
        var method = transcoded.MethodDescriptor;
        try
        {
            keys.Authorize($"/{method.Service.FullName}/{method.Name}", request.Headers[ApiKeyRing.Header]);
        }
        catch (RpcException refused)
        {
            var status = refused.StatusCode == StatusCode.PermissionDenied ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
            await JsonErrorResponse.WriteAsync(context.Response, status, new Google.Rpc.Status { Code = (int)refused.StatusCode, Message = refused.Status.Detail });
            return;
        }
        Google.Rpc.Status? refusal;
        switch (EncodingOf(request))
        {
            case BodyEncoding.NotJson:
                refusal = Plain($"the request body must be JSON, sent with Content-Type: application/json (got \"{request.ContentType}\")");
                break;
            case BodyEncoding.Utf8Json:
                request.EnableBuffering();
                try
                {
                    refusal = await RefusalAsync(request, method.InputType, context.RequestAborted);
                }
                catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    await RequestBodyLimit.TooLargeAsync(context.Response, length: null, options.Value.MaxMessageBytes);
                    return;
                }
                request.Body.Position = 0;
                break;
            default:
                refusal = null; // transcoding decodes JSON of another charset itself
                break;
        }
        if (refusal is not null)
        {
            LogRefused(logger, request.Path, refusal.Message);
            await JsonErrorResponse.WriteAsync(context.Response, StatusCodes.Status400BadRequest, refusal);
            return;
        }
        await next(context);
    }

    private static async Task<Google.Rpc.Status?> RefusalAsync(HttpRequest request, Google.Protobuf.Reflection.MessageDescriptor message, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0)
            return Plain("the request body is empty: it must be a JSON object");
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, Reading, cancellationToken);
        }
        catch (JsonException malformed)
        {
            return Plain($"the request body is not valid JSON (line {malformed.LineNumber + 1}, byte {malformed.BytePositionInLine + 1} of the line)");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return Plain($"the request body must be a JSON object, got {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            List<Metrics.Domain.RecordViolation> violations;
            try
            {
                violations = JsonShape.Check(document.RootElement, message);
            }
            catch (InvalidOperationException)
            {
                // A key that does not decode: the parser checks the UTF-8 of values only as they are read.
                return Plain("the request body is not valid UTF-8");
            }
            return violations.Count == 0 ? null : RpcErrors.InvalidArgument(violations).GetRpcStatus();
        }
    }

    private static Google.Rpc.Status Plain(string message) => new() { Code = (int)Google.Rpc.Code.InvalidArgument, Message = message };

    private enum BodyEncoding { NotJson, Utf8Json, OtherCharsetJson }

    /// <summary>JSON as transcoding takes it: <c>application/json</c> or a <c>+json</c> type.</summary>
    private static BodyEncoding EncodingOf(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !(type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
            return BodyEncoding.NotJson;
        return !type.Charset.HasValue || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            ? BodyEncoding.Utf8Json
            : BodyEncoding.OtherCharsetJson;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path}: JSON request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string reason);
}
