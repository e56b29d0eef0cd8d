using System.Text;

namespace Metrics.Domain;

/// <summary>The validation rules for ingested records. A request with any invalid record is invalid whole.</summary>
public sealed class RecordValidator(ProjectIdTypes idTypes)
{
    public const int MaxRecords = 10_000;
    public const int MaxUserIdBytes = 256;
    public const int MaxMetricNameCharacters = 128;

    public BatchValidation Validate(IReadOnlyList<IncomingRecord> records, DateTimeOffset now)
    {
        if (records.Count == 0)
            return Invalid(new RecordViolation(-1, "metrics", "at least one record is required"));
        if (records.Count > MaxRecords)
            return Invalid(new RecordViolation(-1, "metrics", $"at most {MaxRecords} records per request, got {records.Count}"));

        var today = PacificDay.Of(now);
        var valid = new List<ValidRecord>(records.Count);
        var violations = new List<RecordViolation>();
        for (var i = 0; i < records.Count; i++)
        {
            var before = violations.Count;
            var record = Validate(i, records[i], today, violations);
            if (violations.Count == before)
                valid.Add(record!);
        }
        return violations.Count == 0 ? new BatchValidation(valid, []) : new BatchValidation([], violations);
    }

    private ValidRecord? Validate(int i, IncomingRecord r, PacificDay today, List<RecordViolation> violations)
    {
        void Fail(string field, string description) => violations.Add(new RecordViolation(i, field, description));

        if (Text(r.UserId, "user_id") is { } userIdProblem)
            Fail("user_id", userIdProblem);
        else if (Encoding.UTF8.GetByteCount(r.UserId) > MaxUserIdBytes)
            Fail("user_id", $"user_id is longer than {MaxUserIdBytes} UTF-8 bytes");

        if (Text(r.MetricName, "metric_name") is { } nameProblem)
            Fail("metric_name", nameProblem);
        else if (r.MetricName.EnumerateRunes().Count() > MaxMetricNameCharacters)
            Fail("metric_name", $"metric_name is longer than {MaxMetricNameCharacters} characters");

        if (string.IsNullOrEmpty(r.IdType))
            Fail("id_type", $"id_type is required (defined: {string.Join(", ", idTypes.All)})");
        else if (!idTypes.Contains(r.IdType))
            Fail("id_type", idTypes.Describe(r.IdType));

        CheckNumber(r.MetricValue, "metric_value", Fail);
        CheckNumber(r.Numerator, "numerator", Fail);
        CheckNumber(r.Denominator, "denominator", Fail);
        if (r.Numerator.HasValue != r.Denominator.HasValue)
        {
            var missing = r.Numerator.HasValue ? "denominator" : "numerator";
            Fail(missing, "numerator and denominator must be given together");
        }
        else if (r.MetricValue.HasValue && r.Numerator.HasValue)
            Fail("metric_value", "give either metric_value or numerator and denominator, not both");
        else if (!r.MetricValue.HasValue && !r.Numerator.HasValue)
            Fail("metric_value", "a record needs metric_value, or numerator and denominator");

        var day = today;
        if (!string.IsNullOrEmpty(r.Date))
        {
            if (!PacificDay.TryParse(r.Date, out day))
                Fail("date", $"date \"{r.Date}\" is not a YYYY-MM-DD date");
            else if (day > today)
                Fail("date", $"date {r.Date} is after the current Pacific day {today}");
        }

        return new ValidRecord(r.MetricName, day, new UnitKey(r.IdType, r.UserId),
            new Measurement(r.MetricValue, r.Numerator, r.Denominator));
    }

    private static string? Text(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
            return $"{field} is required";
        foreach (var rune in value.EnumerateRunes())
            if (Rune.IsControl(rune))
                return $"{field} contains a control character (U+{rune.Value:X4})";
        return null;
    }

    private static void CheckNumber(double? value, string field, Action<string, string> fail)
    {
        if (value is { } v && !double.IsFinite(v))
            fail(field, $"{field} must be a finite number, got {v}");
    }

    private static BatchValidation Invalid(RecordViolation violation) => new([], [violation]);
}
