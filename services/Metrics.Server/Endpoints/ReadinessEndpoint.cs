using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Domain;
using Metrics.Grains;
using Metrics.Grains.Readiness;
using Metrics.Server.Authentication;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Metrics.Server.Endpoints;

/// <summary><c>metrics.v1.ReadinessService</c>.</summary>
[BindServiceMethod(typeof(ReadinessEndpoint), nameof(BindService))]
public sealed class ReadinessEndpoint(IGrainFactory grains, IReadinessFeed feed, TimeProvider clock) : ReadinessService.ReadinessServiceBase
{
    /// <summary>The service's descriptor, which JSON transcoding looks for on the type that binds the service.</summary>
    public static ServiceDescriptor Descriptor => ReadinessService.Descriptor;

    /// <summary>Binds the service with <see cref="MalformedRequestBinder"/>.</summary>
    public static void BindService(ServiceBinderBase binder, ReadinessService.ReadinessServiceBase service) =>
        ReadinessService.BindService(new MalformedRequestBinder(binder), service);

    public override async Task<MarkDataReadyResponse> MarkDataReady(MarkDataReadyRequest request, ServerCallContext context)
    {
        RpcErrors.RequireReadinessType(request.Type);
        if (Watermark.Invalid(request.Timestamp, clock.GetUtcNow()) is { } invalid)
            throw RpcErrors.InvalidArgument("timestamp", invalid);
        var result = await Readiness(context).MarkDataReady(request.Timestamp);
        if (result.Refusal is { } refusal)
            throw RpcErrors.FailedPrecondition(refusal);
        return new MarkDataReadyResponse
        {
            Success = true,
            Watermark = result.Watermark,
            FinalizedDates = { result.FinalizedDates.Select(d => new PacificDay(d).ToString()) },
        };
    }

    public override async Task<Readiness> GetReadiness(GetReadinessRequest request, ServerCallContext context)
    {
        RpcErrors.RequireReadinessType(request.Type);
        var view = await Readiness(context).Get();
        return new Readiness
        {
            Watermark = view.Watermark,
            LastFinalizedDate = view.LastFinalizedDate is { } last ? new PacificDay(last).ToString() : "",
            OpenDates = { view.OpenDates.Select(d => new PacificDay(d).ToString()) },
        };
    }

    public override async Task WatchReadiness(WatchReadinessRequest request, IServerStreamWriter<ReadinessEvent> responseStream, ServerCallContext context)
    {
        RpcErrors.RequireReadinessType(request.Type);
        using var watch = await feed.WatchAsync(context.Caller().Project);
        // Headers tell the client that it is watching: no seal after this point is missed.
        await context.WriteResponseHeadersAsync([]);
        await StreamDrain.RunAsync(context, "watch again through another node, and read GetReadiness for seals meanwhile", async cancellation =>
        {
            await foreach (var sealedDay in watch.Events.ReadAllAsync(cancellation))
                await responseStream.WriteAsync(new ReadinessEvent
                {
                    Date = new PacificDay(sealedDay.Date).ToString(),
                    Watermark = sealedDay.Watermark,
                    MetricCount = sealedDay.MetricCount,
                    FinalizedAt = Timestamp.FromDateTimeOffset(sealedDay.FinalizedAt),
                    Restated = sealedDay.RestatedVersion > 0,
                    Version = Math.Max(sealedDay.RestatedVersion, 1),
                    MetricName = sealedDay.MetricName ?? "",
                }, cancellation);
        });
    }

    private IReadinessGrain Readiness(ServerCallContext context) =>
        grains.GetReadinessGrain(context.Caller().Project);
}
