using Grpc.Core;
using Grpc.Core.Interceptors;
using Metrics.Contracts.V1;

namespace Metrics.Server.Cluster;

/// <summary>
/// Orleans breaks every grain call in flight to a node as soon as that node announces that it leaves the cluster
/// (SIGTERM) or is declared dead, although the grain's next activation, elsewhere, could answer it. A call that
/// is safe to repeat — a read, or an ingest with an idempotency key, whose repetition applies exactly what the
/// first attempt did not — is repeated here, against the new activations, instead of answering UNAVAILABLE for
/// what a live node can serve (SPEC §7). <c>MarkDataReady</c> is not repeated: its repetition would answer a
/// seal the first attempt made with no finalized dates.
/// </summary>
internal sealed partial class NodeLeftRetryInterceptor(ILogger<NodeLeftRetryInterceptor> logger) : Interceptor
{
    private const int Attempts = 3;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await continuation(request, context);
            }
            catch (Exception e) when (attempt < Attempts && NodeLeft(e) && SafeToRepeat(request))
            {
                LogRepeating(context.Method, attempt);
                await Task.Delay(Pause * attempt, context.CancellationToken);
            }
        }
    }

    private static bool NodeLeft(Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            if (cause is SiloUnavailableException)
                return true;
        }
        return false;
    }

    private static bool SafeToRepeat(object request) => request switch
    {
        LogCustomMetricRequest ingest => ingest.IdempotencyKey.Length > 0,
        MarkDataReadyRequest => false,
        _ => true,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method}: a node holding its grains left the cluster during attempt {Attempt}; repeating the call")]
    private partial void LogRepeating(string method, int attempt);
}
