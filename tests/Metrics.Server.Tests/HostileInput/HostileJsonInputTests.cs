using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.HostileInput.HostileInputProbe;

namespace Metrics.Server.Tests.HostileInput;

/// <summary>
/// Hostile requests to the JSON endpoint, each in a project of its own: the documented HTTP status with a
/// <c>google.rpc.Status</c> body, nothing applied, and the server still serves. Ingest bodies carry a valid
/// record beside the hostile one; MarkDataReady requests meet a seeded open day. A body of the wrong shape is
/// refused naming the field's path, in the message and in a <c>BadRequest</c> violation.
/// </summary>
public sealed class HostileJsonInputTests
{
    private const string IngestRoute = "v1/log_custom_metric";
    private const string MarkRoute = "v1/mark_data_ready";

    private sealed record Case(string Route, Func<byte[]> Body, HttpStatusCode Expected = HttpStatusCode.BadRequest)
    {
        public string? ContentType { get; init; } = "application/json";

        public bool Chunked { get; init; }

        /// <summary>Words the error message must hold.</summary>
        public string? Mentions { get; init; }

        /// <summary>The field a <c>BadRequest</c> violation of the answer must name (and its message too).</summary>
        public string? Field { get; init; }
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["malformed JSON, cut off"] = Ingest("{\"metrics\": [" + ValidRecordJson, "not valid JSON"),
        ["not JSON"] = Ingest("metrics=1&user_id=u1", "not valid JSON"),
        ["empty body"] = Ingest("", "empty"),
        ["JSON null"] = Ingest("null", "must be a JSON object"),
        ["JSON array"] = Ingest("[" + ValidRecordJson + "]", "must be a JSON object"),
        ["JSON string"] = Ingest("\"metrics\"", "must be a JSON object"),
        ["metrics as an object"] = Ingest("{\"metrics\": {\"0\": " + ValidRecordJson + "}}", "metrics") with { Field = "metrics" },
        ["metrics as a string"] = Ingest("{\"metrics\": \"" + ValidRecordJson.Replace("\"", "\\\"") + "\"}") with { Field = "metrics" },
        ["metrics null"] = Ingest("{\"metrics\": null}") with { Field = "metrics" },
        ["a null record"] = Ingest("{\"metrics\": [" + ValidRecordJson + ", null]}") with { Field = "metrics[1]" },
        ["metrics nested 10,000 arrays deep"] = Ingest("{\"metrics\": " + new string('[', 10_000) + new string(']', 10_000) + "}", "not valid JSON"),
        ["metric_value as a string"] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": "abc"}""") with { Field = "metrics[1].metric_value" },
        ["metric_value as a number in quotes"] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": "12.5"}""") with { Field = "metrics[1].metric_value" },
        ["metricValue as a number in quotes"] = WithRecord("""{"userId": "u-bad", "idType": "user_id", "metricName": "hostile_metric", "metricValue": "12"}""") with { Field = "metrics[1].metric_value" },
        ["metric_value as true"] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": true}""") with { Field = "metrics[1].metric_value" },
        ["metric_value as an object"] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": {"value": 1}}""") with { Field = "metrics[1].metric_value" },
        ["user_id as a number"] = WithRecord("""{"user_id": 1237, "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1}""") with { Field = "metrics[1].user_id" },
        ["user_id as an array"] = WithRecord("""{"user_id": ["u1"], "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1}""") with { Field = "metrics[1].user_id" },
        ["isTest as a string"] = Ingest("{\"isTest\": \"yes\", \"metrics\": [" + ValidRecordJson + "]}") with { Field = "is_test" },
        ["idempotency_key as a number"] = Ingest("{\"idempotency_key\": 7, \"metrics\": [" + ValidRecordJson + "]}") with { Field = "idempotency_key" },
        ["metrics given twice"] = Ingest("{\"metrics\": [" + ValidRecordJson + "], \"metrics\": [" + ValidRecordJson + "]}", "given twice") with { Field = "metrics" },
        ["user_id given twice, as user_id and userId"] = WithRecord("""{"user_id": "u-bad", "userId": "u-other", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1}""", "userId") with { Field = "metrics[1].user_id" },
        ["user_id given twice, once spelled with an escape"] = WithRecord("""{"user_id": "u-bad", "user\u005fid": "u-other", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1}""", "is given twice in one object") with { Field = "metrics[1].user_id" },
        ["metric_value \"NaN\""] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": "NaN"}""", "metrics[1].metric_value"),
        ["metric_value \"Infinity\""] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": "Infinity"}""", "metrics[1].metric_value"),
        ["numerator \"-Infinity\""] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "numerator": "-Infinity", "denominator": 1}""", "metrics[1].numerator"),
        ["metric_value 1e400, beyond a double"] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1e400}""") with { Field = "metrics[1].metric_value" },
        ["invalid UTF-8 in user_id"] = new(IngestRoute, () => Encoding.UTF8.GetBytes("{\"metrics\": [" + ValidRecordJson + ", {\"user_id\": \"u")
            .Concat(new byte[] { 0xFF, 0xFE })
            .Concat(Encoding.UTF8.GetBytes("\", \"id_type\": \"user_id\", \"metric_name\": \"hostile_metric\", \"metric_value\": 1}]}")).ToArray()),
        ["lone surrogate escape in user_id"] = WithRecord("""{"user_id": "u\ud800", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1}""") with { Field = "metrics[1].user_id" },
        ["NUL escape in user_id"] = WithRecord("""{"user_id": "u\u0000x", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1}""", "metrics[1].user_id"),
        ["ANSI escape in metric_name"] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "\u001b[31mred", "metric_value": 1}""", "metrics[1].metric_name"),
        ["Redis protocol FLUSHALL in user_id"] = WithRecord("""{"user_id": "*1\r\n$8\r\nFLUSHALL\r\n", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1}""", "metrics[1].user_id"),
        ["user_id of 1 MB"] = WithRecord("{\"user_id\": \"" + new string('u', 1 << 20) + "\", \"id_type\": \"user_id\", \"metric_name\": \"hostile_metric\", \"metric_value\": 1}", "metrics[1].user_id"),
        ["empty metrics"] = Ingest("{\"metrics\": []}", "metrics"),
        ["empty object"] = Ingest("{}", "metrics"),
        ["10,001 records"] = Ingest("{\"metrics\": [" + string.Join(", ", Enumerable.Repeat(ValidRecordJson, 10_001)) + "]}", "metrics"),
        ["numerator without denominator"] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "numerator": 3}""", "metrics[1].denominator"),
        ["metric_value and a ratio pair"] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1, "numerator": 3, "denominator": 15}""", "metrics[1].metric_value"),
        ["date 2026-02-30"] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1, "date": "2026-02-30"}""", "metrics[1].date"),
        ["date 9999-12-31, in the future"] = WithRecord("""{"user_id": "u-bad", "id_type": "user_id", "metric_name": "hostile_metric", "metric_value": 1, "date": "9999-12-31"}""", "metrics[1].date"),
        ["unknown id_type device_id"] = WithRecord("""{"user_id": "u-bad", "id_type": "device_id", "metric_name": "hostile_metric", "metric_value": 1}""", "metrics[1].id_type"),
        ["Content-Type text/plain"] = Ingest("{\"metrics\": [" + ValidRecordJson + "]}", "Content-Type: application/json") with { ContentType = "text/plain" },
        ["no Content-Type"] = Ingest("{\"metrics\": [" + ValidRecordJson + "]}", "Content-Type: application/json") with { ContentType = null },
        ["body over the limit, declared"] = new(IngestRoute, OverLimitBody, HttpStatusCode.RequestEntityTooLarge),
        ["body over the limit, chunked"] = new(IngestRoute, OverLimitBody, HttpStatusCode.RequestEntityTooLarge) { Chunked = true, Mentions = "larger than the limit" },

        ["timestamp -1"] = Mark("{\"timestamp\": -1}", "timestamp"),
        ["timestamp 0"] = Mark("{\"timestamp\": 0, \"type\": \"metrics\"}", "timestamp"),
        ["timestamp in milliseconds"] = Mark($$"""{"timestamp": {{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}""", "milliseconds"),
        ["timestamp in the year 3000"] = Mark("{\"timestamp\": 32503680000}", "future"),
        ["timestamp as a string of letters"] = Mark("{\"timestamp\": \"abc\"}") with { Field = "timestamp" },
        ["timestamp as an ISO string"] = Mark("{\"timestamp\": \"2026-05-10T23:59:59Z\"}") with { Field = "timestamp" },
        ["timestamp 1.5"] = Mark("{\"timestamp\": 1.5}") with { Field = "timestamp" },
        ["timestamp 1e30, beyond int64"] = Mark("{\"timestamp\": 1e30}") with { Field = "timestamp" },
        ["timestamp as an object"] = Mark("{\"timestamp\": {\"seconds\": 1}}") with { Field = "timestamp" },
        ["timestamp given twice"] = Mark($$"""{"timestamp": {{PacificTime.EndOf(Day)}}, "timestamp": 1}""") with { Field = "timestamp" },
        ["unknown type events"] = Mark($$"""{"timestamp": {{PacificTime.EndOf(Day)}}, "type": "events"}""", "type"),
        ["type metrics CR LF FLUSHALL"] = Mark($$"""{"timestamp": {{PacificTime.EndOf(Day)}}, "type": "metrics\r\nFLUSHALL"}""", "type"),
        ["malformed MarkDataReady body"] = Mark("{\"timestamp\": ", "not valid JSON"),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task HostileRequestGetsItsStatusAndChangesNothing(string name)
    {
        var hostile = Cases[name];
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var isIngest = hostile.Route == IngestRoute;
        if (!isIngest)
            await SeedOpenDayAsync(server, project);

        var (status, error) = await PostAsync(server, hostile, isIngest ? project.IngestKey : project.ServerSecret);

        Assert.True(hostile.Expected == status, $"{name}: expected {(int)hostile.Expected}, got {(int)status}: {error}");
        // The body is a google.rpc.Status: INVALID_ARGUMENT (3) for 400, RESOURCE_EXHAUSTED (8) for 413.
        using var body = JsonDocument.Parse(error);
        var code = body.RootElement.GetProperty("code").GetInt32();
        Assert.Equal(status == HttpStatusCode.RequestEntityTooLarge ? 8 : 3, code);
        if (hostile.Mentions is { } mentioned)
            Assert.Contains(mentioned, error, StringComparison.OrdinalIgnoreCase);
        if (hostile.Field is { } field)
        {
            Assert.Contains(field, body.RootElement.GetProperty("message").GetString());
            var violations = body.RootElement.GetProperty("details").EnumerateArray().SelectMany(d => d.GetProperty("fieldViolations").EnumerateArray());
            Assert.Contains(field, violations.Select(v => v.GetProperty("field").GetString()));
        }
        // The product's own sentence: no parser's message, exception or type name.
        foreach (var internalWord in (string[])["Exception", "System.", "Google.Protobuf", "not correctly formatted", "Parameter '"])
            Assert.DoesNotContain(internalWord, error);
        if (isIngest)
            await AssertNothingIngestedAndStillServesAsync(server, project);
        else
            await AssertWatermarkUnmovedAndStillServesAsync(server, project);
    }

    /// <summary>Unlike a double, an int64 may be a JSON string of digits, as proto3 JSON writes it.</summary>
    [Fact]
    public async Task TimestampAsAStringOfDigitsIsAccepted()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        await SeedOpenDayAsync(server, project);
        var body = $$"""{"timestamp": "{{PacificTime.EndOf(Day)}}"}""";

        var (status, answer) = await PostAsync(server, Mark(body), project.ServerSecret);

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {answer}");
        Assert.Contains($"\"finalizedDates\":[\"{Day}\"]", answer);
    }

    private static Case Ingest(string body, string? mentions = null) => new(IngestRoute, () => Encoding.UTF8.GetBytes(body)) { Mentions = mentions };

    /// <summary>The valid record, then <paramref name="hostileRecord"/>.</summary>
    private static Case WithRecord(string hostileRecord, string? mentions = null) =>
        Ingest("{\"metrics\": [" + ValidRecordJson + ", " + hostileRecord + "]}", mentions);

    private static Case Mark(string body, string? mentions = null) => new(MarkRoute, () => Encoding.UTF8.GetBytes(body)) { Mentions = mentions };

    /// <summary>A body one byte over the 16 MiB limit, valid JSON but for its size.</summary>
    private static byte[] OverLimitBody()
    {
        const string head = "{\"metrics\": [" + ValidRecordJson + "], \"idempotency_key\": \"";
        const string tail = "\"}";
        var padding = (16 << 20) + 1 - head.Length - tail.Length;
        return Encoding.UTF8.GetBytes(head + new string('k', padding) + tail);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(SharedServer server, Case hostile, string key)
    {
        var body = hostile.Body();
        HttpContent content = hostile.Chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = hostile.ContentType is null ? null : MediaTypeHeaderValue.Parse(hostile.ContentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, hostile.Route) { Content = content };
        request.Headers.Add("statsig-api-key", key);
        if (hostile.Chunked)
            request.Headers.TransferEncodingChunked = true;
        using var response = await server.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
