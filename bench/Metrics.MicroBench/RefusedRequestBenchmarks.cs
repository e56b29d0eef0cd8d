using BenchmarkDotNet.Attributes;
using Metrics.Domain;

namespace Metrics.MicroBench;

/// <summary>
/// The source document's most common mistake at the largest request: 10,000 records whose ID type the project
/// does not define. What refusing it costs after parsing: validation, and the report the client is told.
/// </summary>
[MemoryDiagnoser]
public class RefusedRequestBenchmarks
{
    private const int Records = RecordValidator.MaxRecords;
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly ProjectIdTypes _idTypes = new(ProjectIdTypes.Defaults);
    private IncomingRecord[] _incoming = [];

    [GlobalSetup]
    public void SetUp() =>
        _incoming = Enumerable.Range(0, Records)
            .Select(i => new IncomingRecord($"u{i:D6}", "no_such_id_type", "revenue", i, null, null, "2026-11-25"))
            .ToArray();

    [Benchmark]
    public ViolationReport ValidateAndReport() =>
        ViolationReport.Of(new RecordValidator(_idTypes).Validate(_incoming, Now).Violations);
}
