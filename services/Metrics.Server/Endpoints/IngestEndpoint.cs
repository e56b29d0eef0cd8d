using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Domain;
using Metrics.Grains.Ingestion;
using Metrics.Server.Authentication;

namespace Metrics.Server.Endpoints;

/// <summary><c>metrics.v1.IngestService</c>.</summary>
public sealed class IngestEndpoint(MetricIngestor ingestor) : IngestService.IngestServiceBase
{
    public override async Task<LogCustomMetricResponse> LogCustomMetric(LogCustomMetricRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var records = request.Metrics
            .Select(m => new IncomingRecord(
                m.UserId, m.IdType, m.MetricName,
                m.HasMetricValue ? m.MetricValue : null,
                m.HasNumerator ? m.Numerator : null,
                m.HasDenominator ? m.Denominator : null,
                m.Date))
            .ToList();
        var outcome = await ingestor.IngestAsync(new IngestRequest(caller.Project, caller.IdTypes, request.IsTest, request.IdempotencyKey, records));
        return outcome switch
        {
            IngestOutcome.Applied applied => new LogCustomMetricResponse { Success = true, Accepted = applied.Accepted, Duplicate = applied.Duplicate },
            IngestOutcome.Invalid invalid => throw RpcErrors.InvalidArgument(invalid.Violations),
            IngestOutcome.DaysSealed late => throw RpcErrors.FailedPrecondition($"{late.Reason} (watermark {late.Watermark})"),
            _ => throw new InvalidOperationException($"unexpected outcome {outcome}"),
        };
    }
}
