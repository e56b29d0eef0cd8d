using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.HostileInput.HostileInputProbe;

namespace Metrics.Server.Tests.HostileInput;

/// <summary>
/// Hostile requests over gRPC, each sent as raw bytes (some are not valid protobuf), in a project of its own: the
/// documented status, nothing applied, and the server still serves. Ingest requests carry a valid record beside
/// the hostile one; MarkDataReady requests meet a seeded open day.
/// </summary>
public sealed class HostileGrpcInputTests
{
    public enum Target
    {
        Ingest,
        MarkDataReady,
    }

    private sealed record Case(Target Target, Func<byte[]> Request, StatusCode Expected, string? Mentions = null);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["empty batch"] = Invalid(() => new LogCustomMetricRequest().ToByteArray()),
        ["10,001 records"] = Invalid(() => Request(Enumerable.Range(0, 10_001).Select(i => Record(r => r.UserId = $"u{i}")).ToArray())),
        ["numerator without denominator"] = Invalid(() => Request(Record(r => { r.ClearMetricValue(); r.Numerator = 3; }))),
        ["denominator without numerator"] = Invalid(() => Request(Record(r => { r.ClearMetricValue(); r.Denominator = 15; }))),
        ["metric_value and a ratio pair"] = Invalid(() => Request(Record(r => { r.Numerator = 3; r.Denominator = 15; }))),
        ["NaN metric_value"] = Invalid(() => Request(Record(r => r.MetricValue = double.NaN))),
        ["+Infinity metric_value"] = Invalid(() => Request(Record(r => r.MetricValue = double.PositiveInfinity))),
        ["-Infinity denominator"] = Invalid(() => Request(Record(r => { r.ClearMetricValue(); r.Numerator = 1; r.Denominator = double.NegativeInfinity; }))),
        ["date 2026-02-30"] = Invalid(() => Request(Record(r => r.Date = "2026-02-30"))),
        ["date 9999-12-31, in the future"] = Invalid(() => Request(Record(r => r.Date = "9999-12-31"))),
        ["date ' OR '1'='1"] = Invalid(() => Request(Record(r => r.Date = "' OR '1'='1"))),
        ["unknown id_type device_id"] = Invalid(() => Request(Record(r => r.IdType = "device_id")), "user_id"),
        ["id_type user_id' OR '1'='1"] = Invalid(() => Request(Record(r => r.IdType = "user_id' OR '1'='1"))),
        ["NUL in user_id"] = Invalid(() => Request(Record(r => r.UserId = "u\0x"))),
        ["CR LF in metric_name"] = Invalid(() => Request(Record(r => r.MetricName = "m\r\nx"))),
        ["ANSI escape in user_id"] = Invalid(() => Request(Record(r => r.UserId = "\u001b[31mred"))),
        ["Redis protocol FLUSHALL in user_id"] = Invalid(() => Request(Record(r => r.UserId = "*1\r\n$8\r\nFLUSHALL\r\n"))),
        ["C1 control U+0085 in metric_name"] = Invalid(() => Request(Record(r => r.MetricName = "m\u0085x"))),
        ["user_id of 1 MB"] = Invalid(() => Request(Record(r => r.UserId = new string('u', 1 << 20)))),
        ["metric_name of 1 MB"] = Invalid(() => Request(Record(r => r.MetricName = new string('m', 1 << 20)))),
        ["idempotency_key of 1 MB"] = Invalid(() => new LogCustomMetricRequest { IdempotencyKey = new string('k', 1 << 20), Metrics = { ValidRecord() } }.ToByteArray()),
        ["invalid UTF-8 (FF FE) in user_id"] = Invalid(() => RequestWithRawRecord(userId: [0x75, 0xFF, 0xFE]), "UTF-8"),
        ["lone UTF-8 continuation byte in metric_name"] = Invalid(() => RequestWithRawRecord(metricName: [0x6D, 0x80]), "UTF-8"),
        ["overlong UTF-8 '/' (C0 AF) in user_id"] = Invalid(() => RequestWithRawRecord(userId: [0x2E, 0x2E, 0xC0, 0xAF]), "UTF-8"),
        ["UTF-8-encoded surrogate (ED A0 80) in metric_name"] = Invalid(() => RequestWithRawRecord(metricName: [0x6D, 0xED, 0xA0, 0x80]), "UTF-8"),
        ["message cut off in the middle of a field"] = Invalid(() => Request(Record(_ => { }))[..^3]),
        ["length prefix of 2 GB"] = Invalid(() => [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x0A, 0x01, 0x75]),
        ["a JSON document instead of protobuf"] = Invalid(() => Encoding.UTF8.GetBytes("{\"metrics\": [" + ValidRecordJson + "]}")),
        ["1 KB of random bytes"] = Invalid(() => RandomBytes(1024)),
        ["metric_value sent as a varint (wrong wire type)"] = Invalid(() => RequestWithRawRecord(
            new MetricRecord { UserId = "u-bad", IdType = "user_id", MetricName = "hostile_metric", Date = Day }, ProtobufWire.Varint(4, 7)), "metric_value"),
        ["message over the 16 MiB limit"] = new(Target.Ingest, () => Request(Record(r => r.UserId = new string('u', 16 << 20))), StatusCode.ResourceExhausted),

        ["timestamp -1"] = Mark(() => new MarkDataReadyRequest { Timestamp = -1 }),
        ["timestamp 0"] = Mark(() => new MarkDataReadyRequest { Timestamp = 0 }),
        ["timestamp in milliseconds"] = Mark(() => new MarkDataReadyRequest { Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, "milliseconds"),
        ["timestamp in the year 3000"] = Mark(() => new MarkDataReadyRequest { Timestamp = 32_503_680_000 }, "future"),
        ["timestamp 10 minutes ahead"] = Mark(() => new MarkDataReadyRequest { Timestamp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds() }, "future"),
        ["timestamp long.MaxValue"] = Mark(() => new MarkDataReadyRequest { Timestamp = long.MaxValue }),
        ["timestamp long.MinValue"] = Mark(() => new MarkDataReadyRequest { Timestamp = long.MinValue }),
        ["unknown type events"] = Mark(() => new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day), Type = "events" }),
        ["type metrics CR LF FLUSHALL"] = Mark(() => new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day), Type = "metrics\r\nFLUSHALL" }),
        ["type metrics'; DROP TABLE readiness; --"] = Mark(() => new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day), Type = "metrics'; DROP TABLE readiness; --" }),
        ["invalid UTF-8 in type"] = new(Target.MarkDataReady, () => ProtobufWire.Concat(
            new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day) }.ToByteArray(),
            ProtobufWire.LengthDelimited(MarkDataReadyRequest.TypeFieldNumber, [0x6D, 0xFF])), StatusCode.InvalidArgument, "UTF-8"),
        ["timestamp sent length-delimited (wrong wire type)"] = new(Target.MarkDataReady, () =>
            ProtobufWire.LengthDelimited(MarkDataReadyRequest.TimestampFieldNumber, Encoding.UTF8.GetBytes(PacificTime.EndOf(Day).ToString(CultureInfo.InvariantCulture))),
            StatusCode.InvalidArgument),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task HostileRequestGetsItsStatusAndChangesNothing(string name)
    {
        var hostile = Cases[name];
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        if (hostile.Target == Target.MarkDataReady)
            await SeedOpenDayAsync(server, project);

        var status = hostile.Target == Target.Ingest
            ? await RawGrpc.CallAsync(server.Channel, RawGrpc.LogCustomMetric, hostile.Request(), ProjectKeys.Headers(project.IngestKey))
            : await RawGrpc.CallAsync(server.Channel, RawGrpc.MarkDataReady, hostile.Request(), ProjectKeys.Headers(project.ServerSecret));

        Assert.True(hostile.Expected == status.StatusCode, $"{name}: expected {hostile.Expected}, got {status.StatusCode}: {status.Detail}");
        if (hostile.Mentions is { } mentioned)
            Assert.Contains(mentioned, status.Detail, StringComparison.OrdinalIgnoreCase);
        if (hostile.Target == Target.Ingest)
            await AssertNothingIngestedAndStillServesAsync(server, project);
        else
            await AssertWatermarkUnmovedAndStillServesAsync(server, project);
    }

    private static Case Invalid(Func<byte[]> request, string? mentions = null) => new(Target.Ingest, request, StatusCode.InvalidArgument, mentions);

    /// <summary>Made when the test runs, not when the cases are listed: a timestamp relative to now stays so.</summary>
    private static Case Mark(Func<MarkDataReadyRequest> request, string? mentions = null) =>
        new(Target.MarkDataReady, () => request().ToByteArray(), StatusCode.InvalidArgument, mentions);

    /// <summary>A valid record of another metric but for what <paramref name="change"/> does.</summary>
    private static MetricRecord Record(Action<MetricRecord> change)
    {
        var record = new MetricRecord { UserId = "u-bad", IdType = "user_id", MetricName = "hostile_metric", MetricValue = 2, Date = Day };
        change(record);
        return record;
    }

    /// <summary>The valid record, then <paramref name="hostile"/>.</summary>
    private static byte[] Request(params MetricRecord[] hostile)
    {
        var request = new LogCustomMetricRequest { Metrics = { ValidRecord() } };
        request.Metrics.Add(hostile);
        return request.ToByteArray();
    }

    /// <summary>The valid record, then a record with raw bytes for its user_id or metric_name.</summary>
    private static byte[] RequestWithRawRecord(byte[]? userId = null, byte[]? metricName = null)
    {
        var record = Record(_ => { });
        if (userId is not null)
            record.UserId = "";
        if (metricName is not null)
            record.MetricName = "";
        return RequestWithRawRecord(record, ProtobufWire.Concat(
            userId is null ? [] : ProtobufWire.LengthDelimited(MetricRecord.UserIdFieldNumber, userId),
            metricName is null ? [] : ProtobufWire.LengthDelimited(MetricRecord.MetricNameFieldNumber, metricName)));
    }

    /// <summary>The valid record, then <paramref name="record"/> with <paramref name="rawFields"/> appended to its bytes.</summary>
    private static byte[] RequestWithRawRecord(MetricRecord record, byte[] rawFields) =>
        ProtobufWire.Concat(Request(), ProtobufWire.LengthDelimited(
            LogCustomMetricRequest.MetricsFieldNumber, ProtobufWire.Concat(record.ToByteArray(), rawFields)));

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(20261127).NextBytes(bytes);
        return bytes;
    }
}
