using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>
/// SPEC §3 "Validation": a request with any invalid record is rejected whole with INVALID_ARGUMENT, nothing is
/// applied, and google.rpc.BadRequest names each bad field as <c>metrics[i].field</c>.
/// Every case puts a valid record at index 0 and the invalid one at index 1, then proves that the valid record's
/// metric-day does not exist (and, as a control, that the same valid record alone is applied).
/// </summary>
public sealed class IngestValidationTests
{
    private const string Day = "2026-05-10";
    private const string ValidMetric = "valid_metric";

    private static MetricRecord ValidRecord() => new()
    {
        UserId = "u-valid",
        IdType = "user_id",
        MetricName = ValidMetric,
        MetricValue = 1,
        Date = Day,
    };

    /// <summary>A record that is valid but for what <paramref name="invalid"/> names; the expected bad fields.</summary>
    /// <summary>The margin from Pacific midnight within which a test of "today" waits for the next day first.</summary>
    private static readonly TimeSpan MidnightMargin = TimeSpan.FromMinutes(1);

    private static (MetricRecord Record, string[] Fields) InvalidRecord(string invalid, DateOnly today)
    {
        var r = new MetricRecord { UserId = "u-bad", IdType = "user_id", MetricName = "bad_metric", MetricValue = 2, Date = Day };
        string[] fields;
        switch (invalid)
        {
            case "empty user_id":
                r.UserId = "";
                fields = ["user_id"];
                break;
            case "user_id 257 ASCII bytes":
                r.UserId = new string('u', 257);
                fields = ["user_id"];
                break;
            case "user_id 129 chars but 258 UTF-8 bytes":
                r.UserId = new string('é', 129);
                fields = ["user_id"];
                break;
            case "user_id with newline":
                r.UserId = "u\nbad";
                fields = ["user_id"];
                break;
            case "user_id with NUL":
                r.UserId = "u\0bad";
                fields = ["user_id"];
                break;
            case "empty metric_name":
                r.MetricName = "";
                fields = ["metric_name"];
                break;
            case "metric_name 129 chars":
                r.MetricName = new string('m', 129);
                fields = ["metric_name"];
                break;
            case "metric_name with tab":
                r.MetricName = "bad\tmetric";
                fields = ["metric_name"];
                break;
            case "metric_name with DEL":
                r.MetricName = "bad\u007fmetric";
                fields = ["metric_name"];
                break;
            case "unknown id_type":
                r.IdType = "device_id";
                fields = ["id_type"];
                break;
            case "empty id_type":
                r.IdType = "";
                fields = ["id_type"];
                break;
            case "id_type USER_ID (case-sensitive)":
                r.IdType = "USER_ID";
                fields = ["id_type"];
                break;
            case "id_type Stable_ID (case-sensitive)":
                r.IdType = "Stable_ID";
                fields = ["id_type"];
                break;
            case "no value":
                r.ClearMetricValue();
                fields = ["metric_value"];
                break;
            case "numerator without denominator":
                r.ClearMetricValue();
                r.Numerator = 3;
                fields = ["denominator", "numerator"];
                break;
            case "denominator without numerator":
                r.ClearMetricValue();
                r.Denominator = 15;
                fields = ["numerator", "denominator"];
                break;
            case "value plus ratio pair":
                r.Numerator = 3;
                r.Denominator = 15;
                fields = ["metric_value", "numerator", "denominator"];
                break;
            case "NaN metric_value":
                r.MetricValue = double.NaN;
                fields = ["metric_value"];
                break;
            case "+Infinity metric_value":
                r.MetricValue = double.PositiveInfinity;
                fields = ["metric_value"];
                break;
            case "-Infinity numerator":
                r.ClearMetricValue();
                r.Numerator = double.NegativeInfinity;
                r.Denominator = 1;
                fields = ["numerator"];
                break;
            case "NaN denominator":
                r.ClearMetricValue();
                r.Numerator = 1;
                r.Denominator = double.NaN;
                fields = ["denominator"];
                break;
            case "metric_value 1e308 (beyond 1e15)":
                r.MetricValue = 1e308;
                fields = ["metric_value"];
                break;
            case "denominator 1e-300 (closer to 0 than 1e-15)":
                r.ClearMetricValue();
                r.Numerator = 1e15;
                r.Denominator = 1e-300;
                fields = ["denominator"];
                break;
            case "metric_name ..":
                r.MetricName = "..";
                fields = ["metric_name"];
                break;
            case "date 1960-01-01 (before 2000-01-01)":
                r.Date = "1960-01-01";
                fields = ["date"];
                break;
            case "date 2026-5-10":
                r.Date = "2026-5-10";
                fields = ["date"];
                break;
            case "date 2026-02-30":
                r.Date = "2026-02-30";
                fields = ["date"];
                break;
            case "date 10/05/2026":
                r.Date = "10/05/2026";
                fields = ["date"];
                break;
            case "date with time":
                r.Date = "2026-05-10T00:00:00";
                fields = ["date"];
                break;
            case "date tomorrow (Pacific)":
                r.Date = today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                fields = ["date"];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(invalid), invalid, null);
        }
        return (r, fields);
    }

    [Theory]
    [InlineData("empty user_id")]
    [InlineData("user_id 257 ASCII bytes")]
    [InlineData("user_id 129 chars but 258 UTF-8 bytes")]
    [InlineData("user_id with newline")]
    [InlineData("user_id with NUL")]
    [InlineData("empty metric_name")]
    [InlineData("metric_name 129 chars")]
    [InlineData("metric_name with tab")]
    [InlineData("metric_name with DEL")]
    [InlineData("unknown id_type")]
    [InlineData("empty id_type")]
    [InlineData("id_type USER_ID (case-sensitive)")]
    [InlineData("id_type Stable_ID (case-sensitive)")]
    [InlineData("no value")]
    [InlineData("numerator without denominator")]
    [InlineData("denominator without numerator")]
    [InlineData("value plus ratio pair")]
    [InlineData("NaN metric_value")]
    [InlineData("+Infinity metric_value")]
    [InlineData("-Infinity numerator")]
    [InlineData("NaN denominator")]
    [InlineData("metric_value 1e308 (beyond 1e15)")]
    [InlineData("denominator 1e-300 (closer to 0 than 1e-15)")]
    [InlineData("metric_name ..")]
    [InlineData("date 1960-01-01 (before 2000-01-01)")]
    [InlineData("date 2026-5-10")]
    [InlineData("date 2026-02-30")]
    [InlineData("date 10/05/2026")]
    [InlineData("date with time")]
    [InlineData("date tomorrow (Pacific)")]
    public async Task InvalidRecordRejectsTheWholeRequest(string invalid)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var (bad, fields) = InvalidRecord(invalid, await PacificTime.TodayAwayFromMidnightAsync(MidnightMargin));
        var request = new LogCustomMetricRequest { Metrics = { ValidRecord(), bad } };

        var badRequest = await AssertInvalidArgumentAsync(server, project, request);

        var paths = fields.Select(f => $"metrics[1].{f}").ToArray();
        Assert.True(badRequest.FieldViolations.Any(v => paths.Contains(v.Field)),
            $"expected a violation of one of [{string.Join(", ", paths)}], got [{Describe(badRequest)}]");
        Assert.DoesNotContain(badRequest.FieldViolations, v => v.Field.StartsWith("metrics[0]", StringComparison.Ordinal));
        await AssertNothingAppliedAsync(server, project);
    }

    [Fact]
    public async Task InvalidRecordFirstIsNamedAtIndexZero()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var bad = new MetricRecord { UserId = "", IdType = "user_id", MetricName = "bad_metric", MetricValue = 1, Date = Day };
        var request = new LogCustomMetricRequest { Metrics = { bad, ValidRecord(), ValidRecord() } };

        var badRequest = await AssertInvalidArgumentAsync(server, project, request);

        Assert.Contains(badRequest.FieldViolations, v => v.Field == "metrics[0].user_id");
        Assert.DoesNotContain(badRequest.FieldViolations, v => v.Field.StartsWith("metrics[1]", StringComparison.Ordinal));
        Assert.DoesNotContain(badRequest.FieldViolations, v => v.Field.StartsWith("metrics[2]", StringComparison.Ordinal));
        await AssertNothingAppliedAsync(server, project);
    }

    [Fact]
    public async Task EveryBadFieldIsNamed()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var bad1 = new MetricRecord { UserId = "", IdType = "user_id", MetricName = "bad_metric", MetricValue = 1, Date = Day };
        var bad3 = new MetricRecord { UserId = "u3", IdType = "userid", MetricName = "", Date = "2026-13-01" };
        var request = new LogCustomMetricRequest { Metrics = { ValidRecord(), bad1, ValidRecord(), bad3 } };

        var badRequest = await AssertInvalidArgumentAsync(server, project, request);

        var fields = badRequest.FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Contains("metrics[1].user_id", fields);
        Assert.Contains("metrics[3].id_type", fields);
        Assert.Contains("metrics[3].metric_name", fields);
        Assert.Contains("metrics[3].metric_value", fields);
        Assert.Contains("metrics[3].date", fields);
        Assert.DoesNotContain(fields, f => f.StartsWith("metrics[0]", StringComparison.Ordinal) || f.StartsWith("metrics[2]", StringComparison.Ordinal));
        await AssertNothingAppliedAsync(server, project);
    }

    [Theory]
    [InlineData("userID")]
    [InlineData("UserId")]
    [InlineData("user-id")]
    public async Task MistypedIdTypeSuggestsUserId(string idType)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var bad = new MetricRecord { UserId = "u-bad", IdType = idType, MetricName = "bad_metric", MetricValue = 1, Date = Day };
        var request = new LogCustomMetricRequest { Metrics = { ValidRecord(), bad } };

        var badRequest = await AssertInvalidArgumentAsync(server, project, request);

        var violation = Assert.Single(badRequest.FieldViolations, v => v.Field == "metrics[1].id_type");
        // The description lists the defined ID types anyway; the suggestion must name user_id as the likely meaning.
        Assert.Matches(SuggestionOf("user_id"), violation.Description);
        await AssertNothingAppliedAsync(server, project);
    }

    [Fact]
    public async Task MistypedStableIdSuggestsStableId()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var bad = new MetricRecord { UserId = "u-bad", IdType = "stableID", MetricName = "bad_metric", MetricValue = 1, Date = Day };
        var request = new LogCustomMetricRequest { Metrics = { ValidRecord(), bad } };

        var badRequest = await AssertInvalidArgumentAsync(server, project, request);

        var violation = Assert.Single(badRequest.FieldViolations, v => v.Field == "metrics[1].id_type");
        Assert.Matches(SuggestionOf("stable_id"), violation.Description);
        await AssertNothingAppliedAsync(server, project);
    }

    [Fact]
    public async Task NoRecordsIsInvalid()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();

        var badRequest = await AssertInvalidArgumentAsync(server, project, new LogCustomMetricRequest { IdempotencyKey = "k" });

        Assert.Contains(badRequest.FieldViolations, v => v.Field == "metrics");
    }

    [Fact]
    public async Task MoreThanTenThousandRecordsIsInvalid()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var request = new LogCustomMetricRequest();
        request.Metrics.Add(ValidRecord());
        for (var i = 1; i < 10_001; i++)
            request.Metrics.Add(new MetricRecord { UserId = $"u{i}", IdType = "user_id", MetricName = ValidMetric, MetricValue = i, Date = Day });

        var badRequest = await AssertInvalidArgumentAsync(server, project, request);

        Assert.Contains(badRequest.FieldViolations, v => v.Field == "metrics");
        await AssertNothingAppliedAsync(server, project);
    }

    /// <summary>
    /// The source document's most common mistake, a wrong ID type in every record: the answer lists the first 100
    /// fields and counts all of them, so that it fits the HTTP/2 trailers a gRPC client accepts.
    /// </summary>
    [Fact]
    public async Task TenThousandWrongIdTypesAreAnsweredWithTheFirstHundredAndTheCount()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var request = new LogCustomMetricRequest();
        for (var i = 0; i < 10_000; i++)
            request.Metrics.Add(new MetricRecord { UserId = $"u{i}", IdType = "userID", MetricName = ValidMetric, MetricValue = i, Date = Day });

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("10000 invalid field(s) in 10000 record(s); the first 100 are listed", ex.Status.Detail);
        Assert.True(ex.Status.Detail.Length < 1000, $"a status message of {ex.Status.Detail.Length} characters");
        var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"metrics[{i}].id_type"), badRequest.FieldViolations.Select(v => v.Field));

        var body = JsonSerializer.Serialize(new
        {
            metrics = Enumerable.Range(0, 10_000).Select(i => new { user_id = $"u{i}", id_type = "userID", metric_name = ValidMetric, metric_value = i, date = Day }),
        });
        var (status, error) = await PostJsonAsync(server, "v1/log_custom_metric", project.IngestKey, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("10000 invalid field(s) in 10000 record(s)", error.RootElement.GetProperty("message").GetString());
        var violations = error.RootElement.GetProperty("details")[0].GetProperty("fieldViolations");
        Assert.Equal(100, violations.GetArrayLength());
        await AssertNothingAppliedAsync(server, project);
    }

    /// <summary>
    /// Every record wrong in its own long way, in characters of three UTF-8 bytes: the error's trailers stay within the
    /// 8 KiB of metadata grpc-java and the C core accept by default (HPACK's size: name, value and 32 bytes an entry).
    /// </summary>
    [Fact]
    public async Task DistinctLongViolationsFitTheTrailersClientsAccept()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var request = new LogCustomMetricRequest();
        for (var i = 0; i < 1000; i++)
            request.Metrics.Add(new MetricRecord { UserId = $"u{i}", IdType = $"{i}{new string('型', 400)}", MetricName = ValidMetric, MetricValue = i, Date = Day });

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.InRange(badRequest.FieldViolations.Count, 2, 99);
        Assert.Contains($"the first {badRequest.FieldViolations.Count} are listed", ex.Status.Detail);
        var trailerBytes = ex.Trailers.Sum(t => t.Key.Length + (t.IsBinary ? (t.ValueBytes.Length + 2) / 3 * 4 : t.Value.Length) + 32)
            + "grpc-status".Length + 1 + 32 + "grpc-message".Length + PercentEncodedLength(ex.Status.Detail) + 32;
        Assert.InRange(trailerBytes, 1, 8192);
        await AssertNothingAppliedAsync(server, project);
    }

    /// <summary>The length of a grpc-message as gRPC sends it: bytes outside printable ASCII, and '%', as %XX.</summary>
    private static int PercentEncodedLength(string message) =>
        Encoding.UTF8.GetBytes(message).Sum(b => b is >= 0x20 and <= 0x7E and not (byte)'%' ? 1 : 3);

    [Fact]
    public async Task TenThousandRecordsAndBoundaryLengthsAreValid()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var request = new LogCustomMetricRequest();
        var name128 = new string('n', 128);
        var user256Bytes = new string('é', 128); // 128 characters, 256 UTF-8 bytes
        request.Metrics.Add(new MetricRecord { UserId = user256Bytes, IdType = "user_id", MetricName = name128, MetricValue = 1, Date = Day });
        for (var i = 1; i < 10_000; i++)
            request.Metrics.Add(new MetricRecord { UserId = $"u{i}", IdType = "stable_id", MetricName = ValidMetric, MetricValue = 1, Date = Day });

        var response = await server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey));

        Assert.True(response.Success);
        Assert.Equal(10_000, response.Accepted);
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = name128, Date = Day }, ProjectKeys.Headers(project.ServerSecret));
        Assert.Equal(1, day.Overall.UnitCount);
        var big = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = ValidMetric, Date = Day }, ProjectKeys.Headers(project.ServerSecret));
        Assert.Equal(9_999, big.Overall.RowCount);
    }

    [Fact]
    public async Task TodayPacificAndEmptyDateAreValid()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var today = (await PacificTime.TodayAwayFromMidnightAsync(MidnightMargin)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var request = new LogCustomMetricRequest
        {
            Metrics =
            {
                new MetricRecord { UserId = "u1", IdType = "user_id", MetricName = "today_metric", MetricValue = 1, Date = today },
                new MetricRecord { UserId = "u2", IdType = "user_id", MetricName = "today_metric", MetricValue = 1 },
            },
        };

        var response = await server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey));

        Assert.Equal(2, response.Accepted);
        // Read a minute or more before Pacific midnight: the record without a date is counted for the same day.
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = "today_metric", Date = today }, ProjectKeys.Headers(project.ServerSecret));
        Assert.Equal(2, day.Overall.UnitCount);
        Assert.Equal(2, day.Overall.RowCount);
    }

    [Fact]
    public async Task IdempotencyKeyOver256CharactersIsInvalid()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var request = new LogCustomMetricRequest { IdempotencyKey = new string('k', 257), Metrics = { ValidRecord() } };

        var badRequest = await AssertInvalidArgumentAsync(server, project, request);

        Assert.Contains(badRequest.FieldViolations, v => v.Field == "idempotency_key");
        await AssertNothingAppliedAsync(server, project);
    }

    [Fact]
    public async Task IdempotencyKeyOf256CharactersIsValid()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var request = new LogCustomMetricRequest { IdempotencyKey = new string('k', 256), Metrics = { ValidRecord() } };

        var response = await server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey));

        Assert.True(response.Success);
        Assert.Equal(1, response.Accepted);
    }

    [Theory]
    [InlineData("events")]
    [InlineData("Metrics")]
    [InlineData("metric")]
    public async Task MarkDataReadyWithUnknownTypeIsInvalidAndSealsNothing(string type)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var secret = ProjectKeys.Headers(project.ServerSecret);
        await server.Ingest.LogCustomMetricAsync(new LogCustomMetricRequest { Metrics = { ValidRecord() } }, ProjectKeys.Headers(project.IngestKey));

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Readiness.MarkDataReadyAsync(
            new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(Day), Type = type }, secret).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Contains(badRequest.FieldViolations, v => v.Field == "type");
        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), secret);
        Assert.Equal(0, readiness.Watermark);
        Assert.Contains(Day, readiness.OpenDates);
        var day = await server.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = ValidMetric, Date = Day }, secret);
        Assert.Equal(DayStatus.Open, day.Status);
    }

    [Theory]
    [InlineData("events")]
    [InlineData("Metrics")]
    public async Task GetAndWatchReadinessWithUnknownTypeAreInvalidNamingTheField(string type)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var secret = ProjectKeys.Headers(project.ServerSecret);

        var get = await Assert.ThrowsAsync<RpcException>(() => server.Readiness.GetReadinessAsync(new GetReadinessRequest { Type = type }, secret).ResponseAsync);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = server.Readiness.WatchReadiness(new WatchReadinessRequest { Type = type }, secret, cancellationToken: timeout.Token);
            await call.ResponseStream.MoveNext(timeout.Token);
        });

        foreach (var refusal in new[] { get, watch })
        {
            Assert.Equal(StatusCode.InvalidArgument, refusal.StatusCode);
            Assert.Contains(refusal.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == "type");
        }
    }

    [Fact]
    public async Task JsonEmptyUserIdIsBadRequestWithFieldPath()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        const string body = """
            {"metrics": [
              {"user_id": "u-valid", "id_type": "user_id", "metric_name": "valid_metric", "metric_value": 1, "date": "2026-05-10"},
              {"user_id": "", "id_type": "user_id", "metric_name": "bad_metric", "metric_value": 2, "date": "2026-05-10"}
            ]}
            """;

        var (status, error) = await PostJsonAsync(server, "v1/log_custom_metric", project.IngestKey, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, error.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("\"metrics[1].user_id\"", error.RootElement.GetProperty("details").GetRawText());
        await AssertNothingAppliedAsync(server, project);
    }

    [Fact]
    public async Task JsonMistypedIdTypeIsBadRequestWithSuggestion()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        const string body = """
            {"isTest": false, "metrics": [
              {"user_id": "u-valid", "id_type": "user_id", "metric_name": "valid_metric", "metric_value": 1, "date": "2026-05-10"},
              {"userId": "u-bad", "idType": "userID", "metricName": "bad_metric", "metricValue": 2, "date": "2026-05-10"}
            ]}
            """;

        var (status, error) = await PostJsonAsync(server, "v1/log_custom_metric", project.IngestKey, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, error.RootElement.GetProperty("code").GetInt32());
        var details = error.RootElement.GetProperty("details").GetRawText();
        Assert.Contains("\"metrics[1].id_type\"", details);
        Assert.Matches(SuggestionOf("user_id"), details);
        await AssertNothingAppliedAsync(server, project);
    }

    [Fact]
    public async Task JsonFutureDateIsBadRequestWithFieldPath()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var tomorrow = (await PacificTime.TodayAwayFromMidnightAsync(MidnightMargin)).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var body = $$"""
            {"metrics": [
              {"user_id": "u-valid", "id_type": "user_id", "metric_name": "valid_metric", "metric_value": 1, "date": "2026-05-10"},
              {"user_id": "u-bad", "id_type": "user_id", "metric_name": "bad_metric", "metric_value": 2, "date": "{{tomorrow}}"}
            ]}
            """;

        var (status, error) = await PostJsonAsync(server, "v1/log_custom_metric", project.IngestKey, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, error.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("\"metrics[1].date\"", error.RootElement.GetProperty("details").GetRawText());
        await AssertNothingAppliedAsync(server, project);
    }

    [Fact]
    public async Task JsonMarkDataReadyUnknownTypeIsBadRequest()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var body = $$"""{"timestamp": {{PacificTime.EndOf(Day)}}, "type": "events"}""";

        var (status, error) = await PostJsonAsync(server, "v1/mark_data_ready", project.ServerSecret, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, error.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("\"type\"", error.RootElement.GetProperty("details").GetRawText());
        var readiness = await server.Readiness.GetReadinessAsync(new GetReadinessRequest(), ProjectKeys.Headers(project.ServerSecret));
        Assert.Equal(0, readiness.Watermark);
    }

    private static async Task<BadRequest> AssertInvalidArgumentAsync(SharedServer server, ProjectKeys project, LogCustomMetricRequest request)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            server.Ingest.LogCustomMetricAsync(request, ProjectKeys.Headers(project.IngestKey)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.True(badRequest is not null, $"INVALID_ARGUMENT without google.rpc.BadRequest details: {ex.Status.Detail}");
        Assert.NotEmpty(badRequest.FieldViolations);
        return badRequest;
    }

    /// <summary>
    /// The valid record's metric-day does not exist; as a control, the same record alone is then applied and
    /// counted exactly once (so the first lookup was not NOT_FOUND for another reason).
    /// </summary>
    private static async Task AssertNothingAppliedAsync(SharedServer server, ProjectKeys project)
    {
        var secret = ProjectKeys.Headers(project.ServerSecret);
        var lookup = new GetMetricDayRequest { MetricName = ValidMetric, Date = Day, IncludeTest = true };
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Metrics.GetMetricDayAsync(lookup, secret).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);

        var control = await server.Ingest.LogCustomMetricAsync(
            new LogCustomMetricRequest { Metrics = { ValidRecord() } }, ProjectKeys.Headers(project.IngestKey));
        Assert.Equal(1, control.Accepted);
        var day = await server.Metrics.GetMetricDayAsync(lookup, secret);
        Assert.Equal(1, day.Overall.RowCount);
        Assert.Equal(1, day.Overall.UnitCount);
        Assert.Equal(1.0, day.Overall.Sum);
    }

    private static async Task<(HttpStatusCode Status, JsonDocument Body)> PostJsonAsync(SharedServer server, string path, string key, string body)
    {
        var (status, text) = await server.Http.PostJsonAsync(path, key, body);
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"HTTP {(int)status} with a body that is not JSON: {text}");
        }
        return (status, parsed);
    }

    /// <summary>A suggestion of <paramref name="idType"/> ("did you mean \"user_id\"?"), not just the list of defined types.</summary>
    private static string SuggestionOf(string idType) =>
        $@"(?i)(mean|perhaps|maybe|try|closest|suggest\w*)(\W|u0022)+(is(\W|u0022)+)?{idType}";

    private static string Describe(BadRequest badRequest) =>
        string.Join(", ", badRequest.FieldViolations.Select(v => $"{v.Field}: {v.Description}"));
}
