using System.Collections.Concurrent;
using Grpc.Core;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests.RedisDeployment.Chaos;

/// <summary>
/// Calls a node, and on a retryable failure calls again — through any current node — until the call is answered
/// or <see cref="ChaosSettings.CallDeadline"/> has passed. Counts the retries and each failure's status code, and
/// keeps every distinct failure a client saw. The pauses and the nodes it picks come from <paramref name="seed"/>.
/// </summary>
public sealed class ChaosRetry(Func<IReadOnlyList<NodeClient>> currentNodes, int seed)
{
    private readonly Random _random = new(seed);
    private readonly ConcurrentDictionary<StatusCode, int> _failures = new();
    private readonly ConcurrentDictionary<StatusCode, string> _examples = new();
    private readonly ConcurrentDictionary<(StatusCode, string), bool> _serverAnswers = new();
    private int _retries;

    public ChaosRetry(IReadOnlyList<NodeClient> nodes)
        : this(() => nodes, seed: 0)
    {
    }

    /// <summary>A number below <paramref name="count"/> from the seeded sequence, e.g. the node a call goes to first.</summary>
    public int Next(int count)
    {
        lock (_random)
            return _random.Next(count);
    }

    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Each status code a failed attempt had, with how often and one example of its detail.</summary>
    public IReadOnlyList<(StatusCode Code, int Count, string Example)> Failures =>
        _failures.OrderBy(f => f.Key).Select(f => (f.Key, f.Value, _examples[f.Key])).ToList();

    /// <summary>
    /// Every distinct status code and detail that a server answered a failed attempt with — not the failures the
    /// client library makes up itself when a connection is refused or drops, which carry a debug exception.
    /// </summary>
    public IReadOnlyList<(StatusCode Code, string Detail)> ServerAnswers => _serverAnswers.Keys.Order().ToList();

    /// <summary>
    /// The answer of the first attempt that did not fail retryably; a non-retryable failure (e.g. a refusal)
    /// is thrown as it came. <paramref name="attempts"/> hears of each attempt's failure.
    /// </summary>
    public async Task<T> CallAsync<T>(int firstNode, Func<NodeClient, DateTime, Task<T>> call, Action<StatusCode>? attempts = null)
    {
        var giveUpAt = DateTime.UtcNow + ChaosSettings.CallDeadline;
        var node = firstNode;
        while (true)
        {
            var deadline = Min(DateTime.UtcNow + ChaosSettings.AttemptDeadline, giveUpAt);
            try
            {
                var nodes = currentNodes();
                return await call(nodes[node % nodes.Count], deadline);
            }
            catch (RpcException e) when (Retryable(e.StatusCode))
            {
                _failures.AddOrUpdate(e.StatusCode, 1, (_, count) => count + 1);
                _examples.TryAdd(e.StatusCode, e.Status.Detail);
                if (e.Status.DebugException is null)
                    _serverAnswers.TryAdd((e.StatusCode, e.Status.Detail), true);
                attempts?.Invoke(e.StatusCode);
                if (DateTime.UtcNow >= giveUpAt)
                    throw new TimeoutException($"still failing after {ChaosSettings.CallDeadline.TotalSeconds:F0} s: {e.StatusCode} {e.Status.Detail}", e);
            }
            Interlocked.Increment(ref _retries);
            await Task.Delay(100 + Next(200));
            node = Next(currentNodes().Count);
        }
    }

    /// <summary>
    /// Failures after which the call may or may not have been applied: retrying with the same idempotency key is
    /// the way to know. A server answers UNAVAILABLE (or DEADLINE_EXCEEDED for an attempt past its deadline); the
    /// others come from the client library when a connection drops, and any a server answers fails the run
    /// (<see cref="ChaosFailure.IsRetryAnswer"/>).
    /// </summary>
    private static bool Retryable(StatusCode code) => code is
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Unknown or StatusCode.Internal
        or StatusCode.Aborted or StatusCode.Cancelled or StatusCode.ResourceExhausted;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
