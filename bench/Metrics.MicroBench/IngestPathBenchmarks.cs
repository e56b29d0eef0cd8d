using BenchmarkDotNet.Attributes;
using Metrics.Domain;
using Metrics.Grains.Ingestion;
using Metrics.Grains.MetricDays;
using Metrics.Storage.Redis;

namespace Metrics.MicroBench;

/// <summary>
/// The per-record steps of one 1,000-record ingest call, each on its own: validation, splitting into slices,
/// the slice's stored form, and adding the rows to a metric-day. Numbers are per call of 1,000 records.
/// </summary>
[MemoryDiagnoser]
public class IngestPathBenchmarks
{
    private const int Records = 1000;
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly RecordValidator _validator = new(new ProjectIdTypes(ProjectIdTypes.Defaults));
    private IncomingRecord[] _incoming = [];
    private IReadOnlyList<ValidRecord> _valid = [];
    private IReadOnlyList<ValidRecord> _manyMetrics = [];
    private MetricSlice _slice = null!;
    private byte[] _stored = [];

    [GlobalSetup]
    public void SetUp()
    {
        _incoming = Enumerable.Range(0, Records)
            .Select(i => new IncomingRecord($"u{i:D6}", "user_id", "revenue", i, null, null, "2026-11-25"))
            .ToArray();
        _valid = _validator.Validate(_incoming, Now).Records;
        _manyMetrics = _validator.Validate(
            _incoming.Select((r, i) => r with { MetricName = $"metric_{i:D4}" }).ToArray(), Now).Records;
        _slice = RequestPartition.Of(_valid, "key-1", RequestFingerprint.Of(false, _incoming), false, Now).Slices[0].Slice;
        _stored = StoredSlices.Write(_slice);
    }

    [Benchmark]
    public BatchValidation Validate() => _validator.Validate(_incoming, Now);

    [Benchmark]
    public string Fingerprint() => RequestFingerprint.Of(false, _incoming);

    [Benchmark]
    public RequestPartition Partition() => RequestPartition.Of(_valid, "key-1", _slice.RequestFingerprint, false, Now);

    /// <summary>A call of 1,000 metrics of one record each: a slice and a catalog entry each.</summary>
    [Benchmark]
    public RequestPartition PartitionManyMetrics() => RequestPartition.Of(_manyMetrics, "key-1", _slice.RequestFingerprint, false, Now);

    [Benchmark]
    public byte[] WriteStoredSlice() => StoredSlices.Write(_slice);

    [Benchmark]
    public MetricSlice ReadStoredSlice() => StoredSlices.Read(_stored);

    /// <summary>1,000 new units into an empty day, as the first call of a day does.</summary>
    [Benchmark]
    public MetricDayTotals AccumulateNewUnits()
    {
        var totals = new MetricDayTotals();
        foreach (var row in _slice.Rows)
            totals.Add(row.Unit, row.Measurement);
        return totals;
    }
}
