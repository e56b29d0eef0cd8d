using Metrics.Grains;
using Metrics.Grains.MetricDays;

namespace Metrics.Server.Endpoints;

/// <summary>
/// A failure after which the call was not acknowledged and a retry (with the same idempotency key) is safe: the
/// store or a node of the cluster could not be reached or did not answer in time, or a metric-day's stored version
/// moved under a stale activation. <see cref="Sentence"/> is what the client reads; <see cref="Cause"/> is for the log.
/// </summary>
internal sealed record RetryableFailure(string Sentence, string Cause)
{
    /// <summary>The retryable failure in <paramref name="e"/> or its inner exceptions, or null when it is none.</summary>
    public static RetryableFailure? Of(Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            var sentence = cause switch
            {
                StorageUnavailableException => "the store (Redis) is unavailable",
                // Two activations of one grain (a node lost and replaced): the stale one reloads on the retry.
                StoreConflictException => "the stored state was written through another activation while nodes came and went",
                SiloUnavailableException or OrleansMessageRejectionException => "a node of the cluster is unreachable",
                // The grain directory refused an activation on this node: the cluster declared it dead before it knew (a
                // node stalled, then woken), and it stops itself. Orleans says so in its message only.
                OrleansException when cause.Message.Contains(" on invalid silo: ", StringComparison.Ordinal) =>
                    "this node was declared dead by the cluster and is leaving it",
                // Orleans' answer to a grain call that outlived its response timeout (a node stalled or lost).
                TimeoutException => "a node of the cluster did not answer in time",
                _ => null,
            };
            if (sentence is not null)
                return new RetryableFailure(sentence, Describe(cause));
        }
        return null;
    }

    private static string Describe(Exception cause) => cause is StorageUnavailableException { Detail: { } detail }
        ? $"{cause.GetType().Name}: {cause.Message} ({detail})"
        : $"{cause.GetType().Name}: {cause.Message}";
}
