using Grpc.Health.V1;
using Grpc.Net.Client;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// The gRPC clients of one server node over one channel. The channel outlives a restart of the node on the
/// same ports: it connects again.
/// </summary>
public sealed class NodeClient(MetricsServerProcess server) : IDisposable
{
    private readonly GrpcChannel _channel = server.CreateChannel();

    public IngestService.IngestServiceClient Ingest => new(_channel);

    public ReadinessService.ReadinessServiceClient Readiness => new(_channel);

    public LogstreamService.LogstreamServiceClient Logstream => new(_channel);

    public MetricsService.MetricsServiceClient Metrics => new(_channel);

    public ImportService.ImportServiceClient Imports => new(_channel);

    public Health.HealthClient Health => new(_channel);

    public void Dispose() => _channel.Dispose();
}
