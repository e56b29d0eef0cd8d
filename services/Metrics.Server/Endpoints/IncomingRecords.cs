using System.Collections;
using Google.Protobuf.Collections;
using Metrics.Contracts.V1;
using Metrics.Domain;

namespace Metrics.Server.Endpoints;

/// <summary>
/// A request's records as the domain reads them, each made from its protobuf message when it is read: no second
/// copy of a request of up to 10,000 records (a refused one is read once, an applied one a few times).
/// </summary>
internal sealed class IncomingRecords(RepeatedField<MetricRecord> metrics) : IReadOnlyList<IncomingRecord>
{
    public int Count => metrics.Count;

    public IncomingRecord this[int index] => Of(metrics[index]);

    public IEnumerator<IncomingRecord> GetEnumerator()
    {
        foreach (var m in metrics)
            yield return Of(m);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static IncomingRecord Of(MetricRecord m) => new(
        m.UserId, m.IdType, m.MetricName,
        m.HasMetricValue ? m.MetricValue : null,
        m.HasNumerator ? m.Numerator : null,
        m.HasDenominator ? m.Denominator : null,
        m.Date);
}
