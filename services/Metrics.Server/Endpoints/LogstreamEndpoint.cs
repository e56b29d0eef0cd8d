using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Grains.Logstream;
using Metrics.Server.Authentication;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Metrics.Server.Endpoints;

/// <summary><c>metrics.v1.LogstreamService</c>.</summary>
[BindServiceMethod(typeof(LogstreamEndpoint), nameof(BindService))]
public sealed class LogstreamEndpoint(LogstreamFeed feed) : LogstreamService.LogstreamServiceBase
{
    /// <summary>The service's descriptor, which JSON transcoding looks for on the type that binds the service.</summary>
    public static ServiceDescriptor Descriptor => LogstreamService.Descriptor;

    /// <summary>Binds the service with <see cref="MalformedRequestBinder"/>.</summary>
    public static void BindService(ServiceBinderBase binder, LogstreamService.LogstreamServiceBase service) =>
        LogstreamService.BindService(new MalformedRequestBinder(binder), service);

    public const int MaxBacklog = 1000;

    /// <summary>Appends an entry to the response without sending it yet: the entries after it are already waiting.</summary>
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    /// <summary>Entries sent together at most, so that a subscriber busy with a long run still receives them steadily.</summary>
    private const int MaxBufferedEntries = 64;

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<LogstreamEntry> responseStream, ServerCallContext context)
    {
        if (request.Backlog is < 0 or > MaxBacklog)
            throw RpcErrors.InvalidArgument("backlog", $"backlog must be between 0 and {MaxBacklog}, got {request.Backlog}");
        LogstreamCursor? after = null;
        if (request.AfterCursor.Length > 0)
            after = LogstreamCursor.TryParse(request.AfterCursor, out var cursor)
                ? cursor
                : throw RpcErrors.InvalidArgument("after_cursor", $"\"{request.AfterCursor}\" is not a Logstream cursor");

        var filter = new LogstreamFilter(
            request.IncludeTest,
            request.IncludeRejected,
            request.MetricNames.ToHashSet(StringComparer.Ordinal),
            request.IdTypes.ToHashSet(StringComparer.Ordinal),
            request.UserId);
        var project = context.Caller().Project;
        using var live = await SubscribeAsync(project, filter);
        if (after is { } resumeAfter)
        {
            try
            {
                await feed.EnsureRetainedAsync(project, resumeAfter);
            }
            catch (CursorOutOfRangeException outside)
            {
                throw RpcErrors.OutOfRange("after_cursor", outside.Message);
            }
        }
        // Headers tell the client that it is subscribed: every entry appended after this point reaches it.
        await context.WriteResponseHeadersAsync([]);
        // gRPC sends a run of waiting entries together; the JSON route's writer takes no write options.
        var mayBuffer = context.GetHttpContext().Request.IsGrpc();
        var buffered = 0;
        await StreamDrain.RunAsync(context, "subscribe again through another node, with after_cursor the last cursor received", async cancellation =>
        {
            await foreach (var item in feed.ReadAsync(live, request.Backlog, after, cancellation))
            {
                if (mayBuffer)
                {
                    buffered = item.MoreReady && buffered < MaxBufferedEntries ? buffered + 1 : 0;
                    responseStream.WriteOptions = buffered > 0 ? Buffered : null;
                }
                await responseStream.WriteAsync(ToEntry(item), cancellation);
            }
        });
    }

    private async Task<LogstreamSubscription> SubscribeAsync(string project, LogstreamFilter filter)
    {
        try
        {
            return await feed.SubscribeAsync(project, filter);
        }
        catch (SubscriberLimitException full)
        {
            throw RpcErrors.ResourceExhausted(full.Message);
        }
    }

    private static LogstreamEntry ToEntry(LogstreamItem item)
    {
        var batch = item.Stored.Batch;
        var row = batch.Rows[item.Index];
        var entry = new LogstreamEntry
        {
            Cursor = item.Cursor.ToString(),
            MetricName = batch.MetricNameAt(item.Index),
            UserId = row.UserId,
            IdType = row.IdType,
            Date = batch.DateAt(item.Index),
            IngestedAt = Timestamp.FromDateTimeOffset(batch.IngestedAt),
            IsTest = batch.IsTest,
            Status = batch.Rejected ? EntryStatus.Rejected : EntryStatus.Accepted,
            Reason = batch.ReasonAt(item.Index),
            RejectedCount = (uint)(batch.Rejection?.RejectedCount ?? 0),
            Source = batch.Source,
            DroppedBefore = item.DroppedBefore,
        };
        if (row.Value is { } value)
            entry.MetricValue = value;
        if (row.Numerator is { } numerator)
            entry.Numerator = numerator;
        if (row.Denominator is { } denominator)
            entry.Denominator = denominator;
        return entry;
    }
}
