using System.Diagnostics;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using StackExchange.Redis;

namespace Metrics.Server.Cluster;

/// <summary>
/// The node's one connection to Redis, shared by the stores and the cluster membership. The silo opens it as a
/// start-up step, before it reads the membership: a node started while Redis is away waits for it, saying so
/// every 10 seconds, and joins the cluster (and opens its ports) once Redis answers. With traces on, each command
/// sent within a span gets a span of its own.
/// </summary>
internal sealed partial class RedisConnection(
    ConfigurationOptions options, ILogger<RedisConnection> logger, StackExchangeRedisInstrumentation? tracing = null)
    : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    private readonly TaskCompletionSource<IConnectionMultiplexer> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>1 from a lost connection until it is restored: one event for each, however many attempts fail between.</summary>
    private int _lost;

    /// <summary>Completes once Redis has answered for the first time.</summary>
    public Task<IConnectionMultiplexer> Opened => _opened.Task;

    /// <summary>The open connection; asked for before the silo has started, it is a bug.</summary>
    public IConnectionMultiplexer Multiplexer =>
        _opened.Task.IsCompletedSuccessfully
            ? _opened.Task.Result
            : throw new InvalidOperationException("the Redis connection is opened while the silo starts, before anything uses it");

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RedisConnection), ServiceLifecycleStage.RuntimeStorageServices, OpenAsync);

    public async ValueTask DisposeAsync()
    {
        if (_opened.Task.IsCompletedSuccessfully)
            await _opened.Task.Result.DisposeAsync();
    }

    private async Task OpenAsync(CancellationToken cancellation)
    {
        // AbortOnConnectFail is off: the first attempt returns a connection that keeps reconnecting in the
        // background, after the connect timeout if Redis is away. A stop meanwhile does not wait for it.
        var waiting = Stopwatch.StartNew();
        var connecting = ConnectionMultiplexer.ConnectAsync(options);
        IConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await connecting.WaitAsync(cancellation);
        }
        catch (OperationCanceledException)
        {
            _ = connecting.ContinueWith(attempt => attempt.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw;
        }
        try
        {
            var nextReport = TimeSpan.Zero;
            while (!multiplexer.IsConnected)
            {
                if (waiting.Elapsed >= nextReport)
                {
                    LogWaitingForRedis(Endpoints, (int)waiting.Elapsed.TotalSeconds);
                    nextReport = waiting.Elapsed + ReportEvery;
                }
                await Task.Delay(PollEvery, cancellation);
            }
            if (nextReport > TimeSpan.Zero)
                LogRedisAnswered(Endpoints, (int)waiting.Elapsed.TotalSeconds);
        }
        catch
        {
            await multiplexer.DisposeAsync();
            throw;
        }
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && Interlocked.Exchange(ref _lost, 1) == 0)
                LogRedisLost(Endpoints, e.FailureType.ToString());
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && Interlocked.Exchange(ref _lost, 0) == 1)
                LogRedisRestored(Endpoints);
        };
        tracing?.AddConnection(multiplexer); // a span per Redis command, when traces are on
        _opened.SetResult(multiplexer);
    }

    private string Endpoints => string.Join(", ", options.EndPoints);

    [LoggerMessage(EventId = 1006, EventName = "RedisConnectionLost", Level = LogLevel.Error,
        Message = "Redis at {Endpoints} is unreachable ({Failure}): calls that need it answer UNAVAILABLE until it is back")]
    private partial void LogRedisLost(string endpoints, string failure);

    [LoggerMessage(EventId = 1007, EventName = "RedisConnectionRestored", Level = LogLevel.Information, Message = "Redis at {Endpoints} answers again")]
    private partial void LogRedisRestored(string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for Redis at {Endpoints} ({Seconds} s so far): the node joins the cluster once it answers")]
    private partial void LogWaitingForRedis(string endpoints, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoints} answered after {Seconds} s")]
    private partial void LogRedisAnswered(string endpoints, int seconds);
}
