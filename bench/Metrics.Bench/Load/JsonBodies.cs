using System.Buffers;
using System.Text.Json;
using Metrics.Contracts.V1;

namespace Metrics.Bench.Load;

/// <summary>
/// A <see cref="LogCustomMetricRequest"/> as the JSON body of <c>POST /v1/log_custom_metric</c>, in the shape of
/// the source document's curl call: <c>{"isTest": false, "idempotency_key": ..., "metrics": [{"user_id": ...,
/// "metric_name": ..., "id_type": ..., "metric_value": ..., "date": ...}, ...]}</c>.
/// </summary>
public static class JsonBodies
{
    public static byte[] Of(LogCustomMetricRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(request.Metrics.Count * 110 + 128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("isTest", request.IsTest);
            json.WriteString("idempotency_key", request.IdempotencyKey);
            json.WriteStartArray("metrics");
            foreach (var record in request.Metrics)
            {
                json.WriteStartObject();
                json.WriteString("user_id", record.UserId);
                json.WriteString("metric_name", record.MetricName);
                json.WriteString("id_type", record.IdType);
                json.WriteNumber("metric_value", record.MetricValue);
                json.WriteString("date", record.Date);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
