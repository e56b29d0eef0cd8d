using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Metrics.Domain;

namespace Metrics.Server.Endpoints;

/// <summary>The errors the services answer with; invalid fields travel as <c>google.rpc.BadRequest</c> details, bounded by <see cref="ViolationReport"/>.</summary>
public static class RpcErrors
{
    public static RpcException InvalidArgument(IReadOnlyList<RecordViolation> violations)
    {
        var report = ViolationReport.Of(violations);
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(report.Listed.Select(v =>
            new BadRequest.Types.FieldViolation { Field = v.Path, Description = v.Description }));
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = report.Message,
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    public static RpcException InvalidArgument(string field, string description) =>
        InvalidArgument([new RecordViolation(-1, field, description)]);

    public static RpcException FailedPrecondition(string message) => new(new Grpc.Core.Status(StatusCode.FailedPrecondition, message));

    public static RpcException NotFound(string message) => new(new Grpc.Core.Status(StatusCode.NotFound, message));

    /// <summary>ABORTED: the call met a concurrent change it cannot span; calling again starts afresh.</summary>
    public static RpcException Aborted(string message) => new(new Grpc.Core.Status(StatusCode.Aborted, message));

    /// <summary>OUT_OF_RANGE for a well-formed <paramref name="field"/> outside what the server holds, named in a <c>google.rpc.BadRequest</c> as well.</summary>
    public static RpcException OutOfRange(string field, string message) => new Google.Rpc.Status
    {
        Code = (int)Code.OutOfRange,
        Message = message,
        Details = { Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = message } } }) },
    }.ToRpcException();

    public static RpcException ResourceExhausted(string message) => new(new Grpc.Core.Status(StatusCode.ResourceExhausted, message));

    /// <summary>A retryable failure: the product's sentence for it, and the request ID the log holds its cause under.</summary>
    public static Grpc.Core.Status Unavailable(string sentence, string requestId) =>
        new(StatusCode.Unavailable, $"{sentence}; retry the call (request {requestId})");

    /// <summary>An unexpected failure: nothing of it but the request ID the log holds its cause under.</summary>
    public static Grpc.Core.Status Internal(string requestId) => new(StatusCode.Internal, $"internal error (request {requestId})");

    /// <summary>INVALID_ARGUMENT for an unknown watermark type.</summary>
    public static void RequireReadinessType(string type)
    {
        if (!ReadinessType.TryNormalize(type, out _))
            throw InvalidArgument("type", ReadinessType.Unknown(type));
    }

    /// <summary>INVALID_ARGUMENT for a name no metric can have (the ingest rules), before it keys any grain.</summary>
    public static void RequireMetricName(string name)
    {
        if (MetricNameRule.Problem(name) is { } problem)
            throw InvalidArgument("metric_name", problem);
    }

    public static PacificDay RequireDate(string date, string field = "date") =>
        PacificDay.TryParse(date, out var day) ? day : throw InvalidArgument(field, $"{field} \"{date}\" is not a YYYY-MM-DD date");
}
