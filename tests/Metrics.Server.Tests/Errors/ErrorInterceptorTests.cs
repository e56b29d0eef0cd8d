using Grpc.Core;
using Metrics.Server.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Metrics.Server.Tests.Errors;

/// <summary>
/// What a call that failed unexpectedly answers: Orleans' timeout of a grain call is retryable (UNAVAILABLE), any
/// other exception INTERNAL; either way the product's sentence and the request ID, never the exception's words,
/// which reach only the log, under the same ID.
/// </summary>
public sealed class ErrorInterceptorTests
{
    private const string Secret = "connection to 10.0.0.7:11111 lost in Orleans.Runtime.Messaging";

    [Fact]
    public async Task OrleansTimeoutAnswersUnavailableWithTheRequestId()
    {
        var (error, log) = await FailAsync(new TimeoutException($"Response did not arrive on time in 00:00:30 for message: {Secret}"));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("a node of the cluster did not answer in time; retry the call (request req-42)", error.Status.Detail);
        Assert.Equal("req-42", error.Trailers.GetValue(ErrorInterceptor.RequestIdKey));
        var logged = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Contains("req-42", logged.Message);
        Assert.Contains(Secret, logged.Message);
    }

    [Fact]
    public async Task AnActivationRefusedOnANodeTheClusterDeclaredDeadAnswersUnavailable()
    {
        // Orleans' words when the grain directory refuses an activation on a node it holds for dead (a node stalled,
        // then woken before it learnt so), wrapped as the grain call that activated it rethrows it.
        var refused = new Orleans.Runtime.OrleansException(
            "Trying to register metricday/p0/chaos_a/2026-01-03 on invalid silo: S127.0.0.1:22340:155694252. Known status: Dead");

        var (error, log) = await FailAsync(new AggregateException(refused));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("this node was declared dead by the cluster and is leaving it; retry the call (request req-42)", error.Status.Detail);
        Assert.Equal(LogLevel.Warning, Assert.Single(log.Entries).Level);
    }

    [Fact]
    public async Task AnyOtherOrleansExceptionAnswersInternal()
    {
        var (error, _) = await FailAsync(new Orleans.Runtime.OrleansException(Secret));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task AnyOtherExceptionAnswersInternalWithTheRequestIdOnly()
    {
        var (error, log) = await FailAsync(new InvalidOperationException(Secret));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("internal error (request req-42)", error.Status.Detail);
        Assert.Equal("req-42", error.Trailers.GetValue(ErrorInterceptor.RequestIdKey));
        var logged = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("req-42", logged.Message);
        Assert.Equal(Secret, logged.Exception?.Message);
    }

    [Fact]
    public async Task TheServicesOwnErrorsPassUnchanged()
    {
        var refused = new RpcException(new Status(StatusCode.FailedPrecondition, "2026-05-01 is sealed"));

        var (error, log) = await FailAsync(refused);

        Assert.Same(refused, error);
        Assert.Empty(log.Entries);
    }

    private static async Task<(RpcException Error, RecordingLogger Log)> FailAsync(Exception thrown)
    {
        var log = new RecordingLogger();
        var interceptor = new ErrorInterceptor(log);
        var http = new DefaultHttpContext { TraceIdentifier = "req-42" };
        http.Request.ContentType = "application/grpc";
        var context = new FakeServerCallContext(http);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            interceptor.UnaryServerHandler<string, string>("request", context, (_, _) => throw thrown));
        return (error, log);
    }

    private sealed class RecordingLogger : ILogger<ErrorInterceptor>
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), exception));
    }

    /// <summary>A call as grpc-dotnet hands it to interceptors: its HttpContext in the user state.</summary>
    private sealed class FakeServerCallContext(HttpContext http) : ServerCallContext
    {
        private readonly Dictionary<object, object> _userState = new() { ["__HttpContext"] = http };

        protected override string MethodCore => "/metrics.v1.IngestService/LogCustomMetric";
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:5555";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore { get; } = [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore { get; } = new(null, []);
        protected override IDictionary<object, object> UserStateCore => _userState;

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
