using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Domain;
using Metrics.Grains.Ingestion;
using Metrics.Server.Authentication;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Metrics.Server.Endpoints;

/// <summary><c>metrics.v1.IngestService</c>.</summary>
[BindServiceMethod(typeof(IngestEndpoint), nameof(BindService))]
public sealed class IngestEndpoint(MetricIngestor ingestor) : IngestService.IngestServiceBase
{
    /// <summary>The service's descriptor, which JSON transcoding looks for on the type that binds the service.</summary>
    public static ServiceDescriptor Descriptor => IngestService.Descriptor;

    /// <summary>
    /// Binds the service with <see cref="MalformedRequestBinder"/>, its requests read by
    /// <see cref="LogCustomMetricRequestReader"/> (JSON requests are read by the transcoding, not by a marshaller).
    /// </summary>
    public static void BindService(ServiceBinderBase binder, IngestService.IngestServiceBase service) =>
        IngestService.BindService(new RequestReaderBinder(new MalformedRequestBinder(binder)), service);

    public override async Task<LogCustomMetricResponse> LogCustomMetric(LogCustomMetricRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var outcome = await ingestor.IngestAsync(new IngestRequest(caller.Project, caller.IdTypes, request.IsTest, request.IdempotencyKey, new IncomingRecords(request.Metrics)));
        return outcome switch
        {
            IngestOutcome.Applied applied => new LogCustomMetricResponse { Success = true, Accepted = applied.Accepted, Duplicate = applied.Duplicate },
            IngestOutcome.Invalid invalid => throw RpcErrors.InvalidArgument(invalid.Violations),
            IngestOutcome.DaysSealed late => throw RpcErrors.FailedPrecondition($"{late.Reason} (watermark {late.Watermark})"),
            IngestOutcome.QuotaExceeded quota => throw RpcErrors.ResourceExhausted(quota.Reason),
            _ => throw new InvalidOperationException($"unexpected outcome {outcome}"),
        };
    }

    private sealed class RequestReaderBinder(ServiceBinderBase binder) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            if (method is not Method<LogCustomMetricRequest, LogCustomMetricResponse> logCustomMetric)
                throw new InvalidOperationException($"no request reader for {method.FullName}");
            var requests = Marshallers.Create(logCustomMetric.RequestMarshaller.ContextualSerializer, LogCustomMetricRequestReader.Read);
            binder.AddMethod(
                new Method<LogCustomMetricRequest, LogCustomMetricResponse>(method.Type, method.ServiceName, method.Name, requests, logCustomMetric.ResponseMarshaller),
                (UnaryServerMethod<LogCustomMetricRequest, LogCustomMetricResponse>?)(object?)handler);
        }
    }
}
