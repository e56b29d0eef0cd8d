using Metrics.Domain;

namespace Metrics.Domain.Tests;

public class RecordValidatorTests
{
    // 2026-01-15T12:00Z is 04:00 on 2026-01-15 in Los Angeles.
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private static readonly RecordValidator Validator = new(new ProjectIdTypes(ProjectIdTypes.Defaults));

    private static IncomingRecord Good(string userId = "u1") =>
        new(userId, "user_id", "clicks", 1.0, null, null, "2026-01-14");

    private static BatchValidation Validate(params IncomingRecord[] records) => Validator.Validate(records, Now);

    private static RecordViolation SingleViolation(BatchValidation result)
    {
        Assert.False(result.IsValid);
        Assert.Empty(result.Records);
        return Assert.Single(result.Violations);
    }

    private static void AssertSingleViolation(BatchValidation result, string path)
    {
        Assert.Equal(path, SingleViolation(result).Path);
    }

    private static void AssertValid(BatchValidation result, int count = 1)
    {
        Assert.True(result.IsValid, result.Summary);
        Assert.Empty(result.Violations);
        Assert.Equal(count, result.Records.Count);
        Assert.Equal("valid", result.Summary);
    }

    /// <summary>A caller validating chunk after chunk passes one array: the valid records are written into it, and only them.</summary>
    [Fact]
    public void ValidRecords_AreWrittenIntoTheCallersArray_WhenItIsLongEnough()
    {
        var buffer = new ValidRecord[3];
        var first = Validator.Validate([Good("a"), Good("b")], Now, buffer);
        AssertValid(first, 2);
        Assert.Equal(["a", "b"], first.Records.Select(r => r.Unit.UserId));
        Assert.Equal("a", buffer[0].Unit.UserId);

        var second = Validator.Validate([Good("c")], Now, buffer);
        Assert.Equal(["c"], second.Records.Select(r => r.Unit.UserId));
        Assert.Equal("c", buffer[0].Unit.UserId);

        // Too short: a new array, the caller's untouched.
        var longer = Validator.Validate([Good("d"), Good("e"), Good("f"), Good("g")], Now, buffer);
        Assert.Equal(["d", "e", "f", "g"], longer.Records.Select(r => r.Unit.UserId));
        Assert.Equal("c", buffer[0].Unit.UserId);

        var invalid = Validator.Validate([Good("h"), Good("")], Now, buffer);
        Assert.Empty(invalid.Records);
        Assert.Equal("metrics[1].user_id", Assert.Single(invalid.Violations).Path);
    }

    /// <summary>Valid records share the project's one instance of each ID type, however many strings the request held.</summary>
    [Fact]
    public void ValidRecords_CarryTheProjectsIdTypeInstance()
    {
        var defined = new string("company_id".AsSpan());
        var validator = new RecordValidator(new ProjectIdTypes([defined]));
        var records = Enumerable.Range(0, 3)
            .Select(i => new IncomingRecord($"u{i}", new string("company_id".AsSpan()), "clicks", 1.0, null, null, "2026-01-14"))
            .ToArray();

        var result = validator.Validate(records, Now);

        AssertValid(result, 3);
        Assert.All(result.Records, r => Assert.Same(defined, r.Unit.IdType));
    }

    /// <summary>
    /// Records whose metric names and ID types change from one to the next, valid and not, as one string or as equal
    /// strings: each gets the violations of its own name and ID type, none of the record's before it.
    /// </summary>
    [Fact]
    public void EachRecordIsJudgedByItsOwnNameAndIdTypeWhateverTheRecordBefore()
    {
        string[] names = ["clicks", "", "clicks", new string("clicks".AsSpan()), "..", "..", "m\u0007x", "revenue"];
        string[] idTypes = ["user_id", "user_id", "userID", "userID", new string("user_id".AsSpan()), "", "stable_id", "device_id"];
        var records = names.Zip(idTypes, (name, idType) => new IncomingRecord("u1", idType, name, 1.0, null, null, "2026-01-14")).ToArray();

        var result = Validate(records);

        var expected = records.SelectMany((r, i) => new[]
        {
            MetricNameRule.Problem(r.MetricName) is null ? null : $"metrics[{i}].metric_name",
            r.IdType is "user_id" or "stable_id" ? null : $"metrics[{i}].id_type",
        }).OfType<string>();
        Assert.Equal(expected, result.Violations.Select(v => v.Path));
    }

    // ---- Batch size ----

    [Fact]
    public void EmptyBatch_IsInvalidAtMetrics()
    {
        var violation = SingleViolation(Validate());
        Assert.Equal("metrics", violation.Path);
        Assert.Equal(-1, violation.Index);
    }

    [Fact]
    public void TenThousandRecords_AreValid()
    {
        var records = Enumerable.Range(0, RecordValidator.MaxRecords).Select(i => Good($"u{i}")).ToList();
        Assert.Equal(10_000, records.Count);
        AssertValid(Validator.Validate(records, Now), 10_000);
    }

    [Fact]
    public void TenThousandAndOneRecords_AreInvalidAtMetrics()
    {
        var records = Enumerable.Range(0, 10_001).Select(i => Good($"u{i}")).ToList();
        var violation = SingleViolation(Validator.Validate(records, Now));
        Assert.Equal("metrics", violation.Path);
        Assert.Contains("10001", violation.Description);
    }

    // ---- Valid batches ----

    [Fact]
    public void ValidBatch_ReturnsEveryRecordWithDayUnitAndMeasurement()
    {
        var result = Validate(
            new IncomingRecord("alice", "user_id", "clicks", 3.5, null, null, "2026-01-14"),
            new IncomingRecord("dev-7", "stable_id", "ctr", null, 2, 10, "2026-01-15"),
            new IncomingRecord("bob", "user_id", "clicks", -1, null, null, "2025-12-31"));

        AssertValid(result, 3);

        var first = result.Records[0];
        Assert.Equal("clicks", first.MetricName);
        Assert.Equal(PacificDay.Parse("2026-01-14"), first.Day);
        Assert.Equal(new UnitKey("user_id", "alice"), first.Unit);
        Assert.Equal(new Measurement(3.5, null, null), first.Measurement);
        Assert.False(first.Measurement.IsRatio);

        var second = result.Records[1];
        Assert.Equal("ctr", second.MetricName);
        Assert.Equal(PacificDay.Parse("2026-01-15"), second.Day);
        Assert.Equal(new UnitKey("stable_id", "dev-7"), second.Unit);
        Assert.Equal(new Measurement(null, 2, 10), second.Measurement);
        Assert.True(second.Measurement.IsRatio);

        var third = result.Records[2];
        Assert.Equal(PacificDay.Parse("2025-12-31"), third.Day);
        Assert.Equal(new UnitKey("user_id", "bob"), third.Unit);
        Assert.Equal(-1.0, third.Measurement.Value);
    }

    [Fact]
    public void EmptyDate_ResolvesToPacificDayOfNow()
    {
        // 2026-01-15T07:30Z is still 2026-01-14 (23:30 PST) in Los Angeles.
        var now = new DateTimeOffset(2026, 1, 15, 7, 30, 0, TimeSpan.Zero);
        var result = Validator.Validate([Good() with { Date = "" }], now);
        AssertValid(result);
        Assert.Equal(PacificDay.Parse("2026-01-14"), result.Records[0].Day);

        var later = new DateTimeOffset(2026, 1, 15, 8, 0, 0, TimeSpan.Zero);
        var resultLater = Validator.Validate([Good() with { Date = "" }], later);
        Assert.Equal(PacificDay.Parse("2026-01-15"), resultLater.Records[0].Day);
    }

    [Fact]
    public void DateEqualToCurrentPacificDay_IsValid()
    {
        AssertValid(Validate(Good() with { Date = "2026-01-15" }));
    }

    [Fact]
    public void ZeroValues_AreValid()
    {
        AssertValid(Validate(Good() with { MetricValue = 0 }));
        AssertValid(Validate(Good() with { MetricValue = null, Numerator = 0, Denominator = 0 }));
    }

    // ---- user_id ----

    [Fact]
    public void EmptyUserId_IsInvalid()
    {
        AssertSingleViolation(Validate(Good(), Good() with { UserId = "" }), "metrics[1].user_id");
    }

    [Fact]
    public void UserIdOf256Bytes_IsValid()
    {
        AssertValid(Validate(Good(new string('a', 256))));
        AssertValid(Validate(Good(string.Concat(Enumerable.Repeat("é", 128))))); // 2 bytes each
    }

    [Fact]
    public void UserIdOf257Bytes_IsInvalid()
    {
        AssertSingleViolation(Validate(Good(new string('a', 257))), "metrics[0].user_id");
    }

    [Fact]
    public void UserIdLength_CountsUtf8BytesNotCharacters()
    {
        // 128 two-byte characters + 1 ASCII = 129 characters but 257 bytes.
        var twoByte = string.Concat(Enumerable.Repeat("é", 128)) + "a";
        AssertSingleViolation(Validate(Good(twoByte)), "metrics[0].user_id");

        // 85 three-byte characters + 2 ASCII = 87 characters but 257 bytes.
        var threeByte = string.Concat(Enumerable.Repeat("€", 85)) + "ab";
        AssertSingleViolation(Validate(Good(threeByte)), "metrics[0].user_id");

        // 64 four-byte characters (emoji) = 256 bytes: valid; one more ASCII byte: invalid.
        var emoji = string.Concat(Enumerable.Repeat("😀", 64));
        AssertValid(Validate(Good(emoji)));
        AssertSingleViolation(Validate(Good(emoji + "a")), "metrics[0].user_id");
    }

    [Theory]
    [InlineData("user\u0000id")]
    [InlineData("user\nid")]
    [InlineData("\tuser")]
    [InlineData("user\u007F")]
    [InlineData("user\u0085")]
    public void UserIdWithControlCharacter_IsInvalid(string userId)
    {
        AssertSingleViolation(Validate(Good(userId)), "metrics[0].user_id");
    }

    // ---- metric_name ----

    [Fact]
    public void EmptyMetricName_IsInvalid()
    {
        AssertSingleViolation(Validate(Good() with { MetricName = "" }), "metrics[0].metric_name");
    }

    [Fact]
    public void MetricNameOf128Characters_IsValid()
    {
        AssertValid(Validate(Good() with { MetricName = new string('m', 128) }));
    }

    [Fact]
    public void MetricNameOf129Characters_IsInvalid()
    {
        AssertSingleViolation(Validate(Good() with { MetricName = new string('m', 129) }), "metrics[0].metric_name");
    }

    [Fact]
    public void MetricNameLength_CountsUnicodeCharacters()
    {
        // Each emoji is one character but two UTF-16 code units and four UTF-8 bytes.
        var name128 = string.Concat(Enumerable.Repeat("😀", 128));
        Assert.Equal(256, name128.Length);
        AssertValid(Validate(Good() with { MetricName = name128 }));
        AssertValid(Validate(Good() with { MetricName = string.Concat(Enumerable.Repeat("é", 128)) }));

        AssertSingleViolation(Validate(Good() with { MetricName = name128 + "😀" }), "metrics[0].metric_name");
    }

    [Theory]
    [InlineData("clicks\u0000")]
    [InlineData("cl\nicks")]
    [InlineData("\u001Bclicks")]
    [InlineData("clicks\u009F")]
    public void MetricNameWithControlCharacter_IsInvalid(string name)
    {
        AssertSingleViolation(Validate(Good() with { MetricName = name }), "metrics[0].metric_name");
    }

    // ---- id_type ----

    [Fact]
    public void StableId_IsValid()
    {
        var result = Validate(Good() with { IdType = "stable_id" });
        AssertValid(result);
        Assert.Equal("stable_id", result.Records[0].Unit.IdType);
    }

    [Fact]
    public void UnknownIdType_SuggestsClosest()
    {
        var violation = SingleViolation(Validate(Good(), Good() with { IdType = "userID" }));
        Assert.Equal("metrics[1].id_type", violation.Path);
        Assert.Contains("user_id", violation.Description);
        Assert.Contains("userID", violation.Description);
        Assert.Contains("did you mean \"user_id\"", violation.Description);
    }

    [Fact]
    public void IdType_IsCaseSensitive()
    {
        var violation = SingleViolation(Validate(Good() with { IdType = "User_Id" }));
        Assert.Equal("metrics[0].id_type", violation.Path);
        Assert.Contains("\"user_id\"", violation.Description);
    }

    [Fact]
    public void EmptyIdType_IsInvalid()
    {
        AssertSingleViolation(Validate(Good() with { IdType = "" }), "metrics[0].id_type");
    }

    [Fact]
    public void IdTypeNotDefinedByProject_IsInvalid()
    {
        var validator = new RecordValidator(new ProjectIdTypes(["company_id"]));
        var result = validator.Validate([Good() with { IdType = "user_id" }], Now);
        Assert.Equal("metrics[0].id_type", SingleViolation(result).Path);
        AssertValid(validator.Validate([Good() with { IdType = "company_id" }], Now));
    }

    // ---- value / ratio ----

    [Fact]
    public void NeitherValueNorRatio_IsInvalid()
    {
        AssertSingleViolation(Validate(Good() with { MetricValue = null }), "metrics[0].metric_value");
    }

    [Fact]
    public void NumeratorWithoutDenominator_NamesDenominator()
    {
        AssertSingleViolation(Validate(Good() with { MetricValue = null, Numerator = 1 }), "metrics[0].denominator");
    }

    [Fact]
    public void DenominatorWithoutNumerator_NamesNumerator()
    {
        AssertSingleViolation(Validate(Good() with { MetricValue = null, Denominator = 1 }), "metrics[0].numerator");
    }

    [Fact]
    public void ValueTogetherWithRatioPair_IsInvalid()
    {
        AssertSingleViolation(Validate(Good() with { MetricValue = 1, Numerator = 1, Denominator = 2 }), "metrics[0].metric_value");
    }

    [Fact]
    public void ValueWithOnlyNumerator_IsInvalid()
    {
        var result = Validate(Good() with { MetricValue = 1, Numerator = 1 });
        Assert.False(result.IsValid);
        Assert.Empty(result.Records);
        Assert.Contains(result.Violations, v => v.Path == "metrics[0].denominator");
    }

    public static TheoryData<double> NonFinite => new() { double.NaN, double.PositiveInfinity, double.NegativeInfinity };

    [Theory]
    [MemberData(nameof(NonFinite))]
    public void NonFiniteMetricValue_IsInvalid(double bad)
    {
        AssertSingleViolation(Validate(Good() with { MetricValue = bad }), "metrics[0].metric_value");
    }

    [Theory]
    [MemberData(nameof(NonFinite))]
    public void NonFiniteNumerator_IsInvalid(double bad)
    {
        AssertSingleViolation(Validate(Good() with { MetricValue = null, Numerator = bad, Denominator = 1 }), "metrics[0].numerator");
    }

    [Theory]
    [MemberData(nameof(NonFinite))]
    public void NonFiniteDenominator_IsInvalid(double bad)
    {
        AssertSingleViolation(Validate(Good() with { MetricValue = null, Numerator = 1, Denominator = bad }), "metrics[0].denominator");
    }

    // ---- date ----

    [Theory]
    [InlineData("2026-1-14")]
    [InlineData("2026-02-30")]
    [InlineData("20260114")]
    [InlineData("2026-01-14T00:00")]
    [InlineData("14/01/2026")]
    [InlineData("today")]
    public void MalformedDate_IsInvalid(string date)
    {
        var violation = SingleViolation(Validate(Good() with { Date = date }));
        Assert.Equal("metrics[0].date", violation.Path);
        Assert.Contains(date, violation.Description);
    }

    [Fact]
    public void DateAfterCurrentPacificDay_IsInvalid()
    {
        var violation = SingleViolation(Validate(Good() with { Date = "2026-01-16" }));
        Assert.Equal("metrics[0].date", violation.Path);
        Assert.Contains("2026-01-15", violation.Description);
    }

    [Fact]
    public void DateAfterPacificDayButEqualToUtcDay_IsInvalid()
    {
        // 2026-01-15T07:30Z: the UTC date is 01-15 but the Pacific day is still 01-14.
        var now = new DateTimeOffset(2026, 1, 15, 7, 30, 0, TimeSpan.Zero);
        var result = Validator.Validate([Good() with { Date = "2026-01-15" }], now);
        Assert.Equal("metrics[0].date", SingleViolation(result).Path);
        AssertValid(Validator.Validate([Good() with { Date = "2026-01-14" }], now));
    }

    // ---- whole-batch behaviour ----

    [Fact]
    public void OneBadRecordAmongGood_ReportsOnlyItsIndexAndNoRecords()
    {
        var result = Validate(Good("a"), Good("b"), Good("c") with { MetricValue = double.NaN }, Good("d"));
        var violation = SingleViolation(result);
        Assert.Equal(2, violation.Index);
        Assert.Equal("metrics[2].metric_value", violation.Path);
    }

    [Fact]
    public void EveryViolationIsReported()
    {
        var result = Validate(
            Good() with { UserId = "", IdType = "nope" },
            Good(),
            Good() with { Date = "bad" });

        Assert.False(result.IsValid);
        Assert.Empty(result.Records);
        var paths = result.Violations.Select(v => v.Path).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "metrics[0].id_type", "metrics[0].user_id", "metrics[2].date" }, paths);
        Assert.StartsWith("3 invalid field(s) in 2 record(s): ", result.Summary);
        Assert.Contains("metrics[2].date", result.Summary);
    }

    [Fact]
    public void DateBeforeTheFirstDayIsRefusedSayingTheBound()
    {
        var violation = SingleViolation(Validate(Good() with { Date = "1960-01-01" }));
        Assert.Equal("metrics[0].date", violation.Path);
        Assert.Contains("before 2000-01-01", violation.Description);
        AssertValid(Validate(Good() with { Date = "2000-01-01" }));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public void DotSegmentsAreNoMetricNames(string name)
    {
        var violation = SingleViolation(Validate(Good() with { MetricName = name }));
        Assert.Equal("metrics[0].metric_name", violation.Path);
        Assert.Contains("reserved", violation.Description);
        AssertValid(Validate(Good() with { MetricName = "..." }));
        AssertValid(Validate(Good() with { MetricName = ".hidden" }));
    }

    [Fact]
    public void RecordViolationPath_FormatsIndexAndField()
    {
        Assert.Equal("metrics[3].id_type", new RecordViolation(3, "id_type", "x").Path);
        Assert.Equal("metrics", new RecordViolation(-1, "metrics", "x").Path);
    }
}
