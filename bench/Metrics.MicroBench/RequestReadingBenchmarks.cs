using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Metrics.Contracts.V1;
using Metrics.Server.Endpoints;

namespace Metrics.MicroBench;

/// <summary>
/// Reading one <c>LogCustomMetric</c> request of 1,000 records (S1's calls) from its protobuf bytes: Google.Protobuf's
/// generated parser against the server's own reader, which makes one string per distinct ID type, metric name and date.
/// </summary>
[MemoryDiagnoser]
public class RequestReadingBenchmarks
{
    private const int Records = 1000;

    private byte[] _bytes = [];

    [GlobalSetup]
    public void SetUp()
    {
        var request = new LogCustomMetricRequest { IdempotencyKey = "bench-key-000001" };
        for (var i = 0; i < Records; i++)
            request.Metrics.Add(new MetricRecord { UserId = $"user-{i:D8}", IdType = "user_id", MetricName = "revenue", MetricValue = i * 1.5, Date = "2026-11-25" });
        _bytes = request.ToByteArray();
    }

    [Benchmark(Baseline = true)]
    public LogCustomMetricRequest GeneratedParser() => LogCustomMetricRequest.Parser.ParseFrom(_bytes);

    [Benchmark]
    public LogCustomMetricRequest RequestReader() => LogCustomMetricRequestReader.Read(_bytes);
}
