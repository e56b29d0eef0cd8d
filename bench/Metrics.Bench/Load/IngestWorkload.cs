using Metrics.Contracts.V1;

namespace Metrics.Bench.Load;

/// <summary>
/// The records of an ingest run, call by call. Call <c>k</c> carries <see cref="RecordsPerCall"/> records of one
/// metric, <c>{prefix}_{k mod metrics}</c> — the calls cycle over the metrics — for the next block of units of that
/// metric: units <c>(k div metrics) × RecordsPerCall</c> onwards, wrapping at <see cref="UnitsPerMetric"/>. With
/// 2,000 calls, 20 metrics and 100,000 units, every unit of every metric gets exactly one record. Every record is a
/// plain value (<c>metric_value</c>) of ID type <c>user_id</c> for <see cref="Date"/>.
/// </summary>
public sealed record IngestWorkload(string MetricPrefix, int Metrics, int UnitsPerMetric, int Calls, string Date, int RecordsPerCall = 1000)
{
    public long Records => (long)Calls * RecordsPerCall;

    public string MetricName(int metric) => $"{MetricPrefix}_{metric:D2}";

    public IEnumerable<string> MetricNames => Enumerable.Range(0, Metrics).Select(MetricName);

    public (string Metric, int FirstUnit) CallTarget(int call) =>
        (MetricName(call % Metrics), (int)((long)(call / Metrics) * RecordsPerCall % UnitsPerMetric));

    public LogCustomMetricRequest Request(int call, string idempotencyKey)
    {
        var (metric, firstUnit) = CallTarget(call);
        var request = new LogCustomMetricRequest { IdempotencyKey = idempotencyKey };
        for (var i = 0; i < RecordsPerCall; i++)
            request.Metrics.Add(Record(metric, (firstUnit + i) % UnitsPerMetric));
        return request;
    }

    public MetricRecord Record(string metric, int unit) => new()
    {
        UserId = UserIds.Of(unit),
        IdType = "user_id",
        MetricName = metric,
        MetricValue = ValueOf(unit),
        Date = Date,
    };

    public static double ValueOf(int unit) => unit % 97 + 0.25;
}
