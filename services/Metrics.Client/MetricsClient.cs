using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Metrics.Client.Uploads;
using Metrics.Contracts.V1;

namespace Metrics.Client;

/// <summary>
/// One channel to a Metrics server, with the project's key on every call and <c>UNAVAILABLE</c> retried by the
/// channel (the same message again, so an ingest call keeps its idempotency key), and the generated client of every
/// service on it. Thread-safe; make one per server and key, and dispose it at the end.
/// </summary>
public sealed class MetricsClient : IDisposable
{
    /// <summary>The metadata (HTTP header) that carries the key.</summary>
    public const string KeyHeader = "statsig-api-key";

    private const int MaxRetriedMessageBytes = 64 * 1024 * 1024;

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly TimeSpan _callTimeout;

    public MetricsClient(MetricsClientOptions options)
    {
        options.Validate();
        _callTimeout = options.CallTimeout;
        _channel = GrpcChannel.ForAddress(options.Url, new GrpcChannelOptions
        {
            ServiceConfig = new ServiceConfig { MethodConfigs = { RetryUnavailable(options) } },
            MaxRetryAttempts = options.MaxAttempts,
            // A 10,000-record call is a few MB: kept for its retry (the default keeps 1 MB a call, and commits larger ones unretried).
            MaxRetryBufferPerCallSize = MaxRetriedMessageBytes,
            MaxRetryBufferSize = 4L * MaxRetriedMessageBytes,
            MaxReceiveMessageSize = MaxRetriedMessageBytes,
            DisposeHttpClient = true, // and the handler below with it: its connections end with the client
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            },
        });
        var invoker = _invoker = _channel.Intercept(metadata =>
        {
            metadata.Add(KeyHeader, options.ApiKey);
            return metadata;
        });
        Ingest = new IngestService.IngestServiceClient(invoker);
        Readiness = new ReadinessService.ReadinessServiceClient(invoker);
        Logstream = new LogstreamService.LogstreamServiceClient(invoker);
        Catalog = new MetricsService.MetricsServiceClient(invoker);
        Imports = new ImportService.ImportServiceClient(invoker);
    }

    public IngestService.IngestServiceClient Ingest { get; }

    public ReadinessService.ReadinessServiceClient Readiness { get; }

    public LogstreamService.LogstreamServiceClient Logstream { get; }

    /// <summary><c>metrics.v1.MetricsService</c>: the catalog, metric-days, exports.</summary>
    public MetricsService.MetricsServiceClient Catalog { get; }

    public ImportService.ImportServiceClient Imports { get; }

    /// <summary>Call options of a unary call: the configured deadline and <paramref name="cancellationToken"/>.</summary>
    public CallOptions Unary(CancellationToken cancellationToken = default) =>
        new(deadline: DateTime.UtcNow + _callTimeout, cancellationToken: cancellationToken);

    /// <summary>
    /// Sends records in one <c>LogCustomMetric</c> call. Without <paramref name="idempotencyKey"/> the call gets a new
    /// random key, so that the channel's retries of it never count twice.
    /// </summary>
    public async Task<LogCustomMetricResponse> LogAsync(
        IEnumerable<MetricRecord> records, bool isTest = false, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var request = new LogCustomMetricRequest { IsTest = isTest, IdempotencyKey = idempotencyKey ?? $"client-{Guid.NewGuid():N}" };
        request.Metrics.AddRange(records);
        return await Ingest.LogCustomMetricAsync(request, Unary(cancellationToken));
    }

    /// <summary>A <c>LogCustomMetric</c> call of records serialized already, with the key and the retries of any other.</summary>
    internal async Task<LogCustomMetricResponse> LogAsync(EncodedLogRequest request, CancellationToken cancellationToken) =>
        await _invoker.AsyncUnaryCall(EncodedLogRequest.Method, null, Unary(cancellationToken), request);

    /// <summary>Moves the watermark to <paramref name="readyUntil"/>: every metric before it has been uploaded.</summary>
    public async Task<MarkDataReadyResponse> MarkDataReadyAsync(DateTimeOffset readyUntil, CancellationToken cancellationToken = default) =>
        await Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = readyUntil.ToUnixTimeSeconds() }, Unary(cancellationToken));

    public async Task<MetricDay> GetMetricDayAsync(string metricName, string date, bool includeTest = false, CancellationToken cancellationToken = default) =>
        await Catalog.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metricName, Date = date, IncludeTest = includeTest }, Unary(cancellationToken));

    /// <summary>The per-unit values of a finalized day, as the server streams them.</summary>
    public async IAsyncEnumerable<UnitValue> ExportMetricDayAsync(
        string metricName, string date, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var call = Catalog.ExportMetricDay(new ExportMetricDayRequest { MetricName = metricName, Date = date }, cancellationToken: cancellationToken);
        await foreach (var value in call.ResponseStream.ReadAllAsync(cancellationToken))
            yield return value;
    }

    /// <summary>
    /// Uploads <paramref name="rows"/> in chunks with deterministic idempotency keys (see <see cref="MetricsUploader"/>):
    /// run again after an interruption, it sends the rest and counts nothing twice. <paramref name="tally"/> shows
    /// the progress while it runs and holds the report at the end.
    /// </summary>
    public Task UploadAsync(IAsyncEnumerable<UploadRow> rows, UploadOptions options, UploadTally tally, CancellationToken cancellationToken = default) =>
        new MetricsUploader(this, options).UploadAsync(rows, tally, cancellationToken);

    public void Dispose() => _channel.Dispose();

    private static MethodConfig RetryUnavailable(MetricsClientOptions options) => new()
    {
        Names = { MethodName.Default },
        RetryPolicy = new RetryPolicy
        {
            MaxAttempts = options.MaxAttempts,
            InitialBackoff = options.InitialBackoff,
            MaxBackoff = TimeSpan.FromSeconds(10),
            BackoffMultiplier = 2,
            RetryableStatusCodes = { StatusCode.Unavailable },
        },
    };
}
