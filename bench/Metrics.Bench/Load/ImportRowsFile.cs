using System.Globalization;
using System.Text.Json.Serialization;
using Parquet;
using Parquet.Serialization;

namespace Metrics.Bench.Load;

/// <summary>
/// A Parquet file in the import schema, written by Parquet.Net: <c>metrics</c> × <c>unitsPerMetric</c> rows of ID
/// type <c>user_id</c> on one day, metric <c>{prefix}_{m:00}</c>, unit <c>u{n}</c>, value <c>n mod 1000 / 10</c>,
/// in row groups of 100,000.
/// </summary>
public static class ImportRowsFile
{
    public sealed class Row
    {
        [JsonPropertyName("unit_id")] public string UnitId { get; set; } = "";
        [JsonPropertyName("id_type")] public string IdType { get; set; } = "";
        [JsonPropertyName("date")] public DateOnly Date { get; set; }
        [JsonPropertyName("metric_name")] public string MetricName { get; set; } = "";
        [JsonPropertyName("metric_value")] public double? MetricValue { get; set; }
    }

    public static async Task WriteParquetAsync(string file, string date, string metricPrefix, int metrics, int unitsPerMetric)
    {
        var day = DateOnly.Parse(date, CultureInfo.InvariantCulture);
        var rows = Enumerable.Range(0, metrics).SelectMany(m => Enumerable.Range(0, unitsPerMetric).Select(u => new Row
        {
            UnitId = $"u{u}", IdType = "user_id", Date = day, MetricName = $"{metricPrefix}_{m:00}", MetricValue = u % 1000 / 10.0,
        }));
        await using var stream = File.Create(file);
        await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { RowGroupSize = 100_000 });
    }
}
