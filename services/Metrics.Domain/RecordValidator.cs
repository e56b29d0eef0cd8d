using System.Text;

namespace Metrics.Domain;

/// <summary>The validation rules for ingested records. A request with any invalid record is invalid whole.</summary>
public sealed class RecordValidator(ProjectIdTypes idTypes)
{
    public const int MaxRecords = 10_000;
    public const int MaxUserIdBytes = 256;

    /// <summary>
    /// The largest magnitude of <c>metric_value</c>, <c>numerator</c> and <c>denominator</c>. It keeps every
    /// aggregate finite for every accepted input: a unit's total is at most <see cref="long.MaxValue"/> rows of it,
    /// about 9.2e33; a sum of such totals over at most that many units stays below 1e53, and the variance's
    /// squared deviations below 1e88 — all far from double's 1.8e308.
    /// </summary>
    public const double MaxMagnitude = 1e15;

    /// <summary>
    /// The smallest magnitude of a denominator that is not 0. Every double of at least this magnitude is a
    /// multiple of 2^-102, and so is any sum of them: a denominator sum that is not 0 is at least 2^-102 (about
    /// 2e-31) in magnitude, and the ratio at most about 5e64. A denominator sum of 0 gives a ratio of 0.
    /// </summary>
    public const double MinDenominatorMagnitude = 1e-15;

    /// <summary>The first day a record may be for: before it, no data of this kind exists, and a day would have to be sealed by a watermark of 0.</summary>
    public static readonly PacificDay FirstDay = new(new DateOnly(2000, 1, 1));

    /// <summary>Descriptions of the unknown ID types met in the request validated (a validator serves one request).</summary>
    private Dictionary<string, string>? _unknownIdTypes;

    /// <summary>
    /// Every violation of <paramref name="records"/>, in record order; or, when there is none, the valid records —
    /// written into <paramref name="into"/> when it is given and long enough (a caller validating chunk after chunk
    /// reuses one array: the records are then valid until its next call with it).
    /// </summary>
    public BatchValidation Validate(IReadOnlyList<IncomingRecord> records, DateTimeOffset now, ValidRecord[]? into = null)
    {
        if (records.Count == 0)
            return Invalid(new RecordViolation(-1, "metrics", "at least one record is required"));
        if (records.Count > MaxRecords)
            return Invalid(new RecordViolation(-1, "metrics", $"at most {MaxRecords} records per request, got {records.Count}"));

        var today = PacificDay.Of(now);
        // Kept only while every record so far is valid: a request whose first record is invalid (the source's most
        // common mistake is a wrong ID type in every record) allocates nothing for them.
        ValidRecord[]? valid = null;
        var violations = new List<RecordViolation>();
        var dates = new DateCache(today);
        var names = new RepeatedText();
        var idTypeNames = new RepeatedText();
        for (var i = 0; i < records.Count; i++)
        {
            var record = Validate(i, records[i], ref dates, ref names, ref idTypeNames, violations);
            if (violations.Count == 0)
                (valid ??= into?.Length >= records.Count ? into : new ValidRecord[records.Count])[i] = record;
        }
        if (violations.Count > 0)
            return new BatchValidation([], violations);
        return new BatchValidation(valid!.Length == records.Count ? valid : new ArraySegment<ValidRecord>(valid, 0, records.Count), []);
    }

    private ValidRecord Validate(int i, IncomingRecord r, ref DateCache dates, ref RepeatedText names, ref RepeatedText idTypeNames, List<RecordViolation> violations)
    {
        if (FieldText.Problem(r.UserId, "user_id") is { } userIdProblem)
            violations.Add(new(i, "user_id", userIdProblem));
        else if (r.UserId.Length > MaxUserIdBytes / 3 && Encoding.UTF8.GetByteCount(r.UserId) > MaxUserIdBytes)
            violations.Add(new(i, "user_id", $"user_id is longer than {MaxUserIdBytes} UTF-8 bytes"));

        if (names.Of(r.MetricName, MetricNameRule.Problem) is { } nameProblem)
            violations.Add(new(i, "metric_name", nameProblem));

        // A valid record carries the project's own instance of its ID type: rows held in memory (an import's staged
        // rows, a day's units) then share one string per ID type instead of one a row.
        string? idType = null;
        if (string.IsNullOrEmpty(r.IdType))
            violations.Add(new(i, "id_type", $"id_type is required (defined: {string.Join(", ", idTypes.All)})"));
        else if ((idType = idTypeNames.Of(r.IdType, idTypes.Defined)) is null)
            violations.Add(new(i, "id_type", UnknownIdType(r.IdType)));

        CheckNumber(i, r.MetricValue, "metric_value", violations);
        CheckNumber(i, r.Numerator, "numerator", violations);
        CheckNumber(i, r.Denominator, "denominator", violations);
        if (r.Denominator is { } denominator && denominator != 0 && Math.Abs(denominator) < MinDenominatorMagnitude)
            violations.Add(new(i, "denominator", $"denominator must be 0 or at least {MinDenominatorMagnitude:0e0} in magnitude, got {denominator:R}"));
        if (r.Numerator.HasValue != r.Denominator.HasValue)
            violations.Add(new(i, r.Numerator.HasValue ? "denominator" : "numerator", "numerator and denominator must be given together"));
        else if (r.MetricValue.HasValue && r.Numerator.HasValue)
            violations.Add(new(i, "metric_value", "give either metric_value or numerator and denominator, not both"));
        else if (!r.MetricValue.HasValue && !r.Numerator.HasValue)
            violations.Add(new(i, "metric_value", "a record needs metric_value, or numerator and denominator"));

        var day = dates.Today;
        if (!string.IsNullOrEmpty(r.Date))
        {
            if (!dates.TryParse(r.Date, out day))
                violations.Add(new(i, "date", $"date \"{r.Date}\" is not a YYYY-MM-DD date"));
            else if (day > dates.Today)
                violations.Add(new(i, "date", $"date {r.Date} is after the current Pacific day {dates.Today}"));
            else if (day < FirstDay)
                violations.Add(new(i, "date", $"date {r.Date} is before {FirstDay}, the first day a record may be for"));
        }

        return new ValidRecord(r.MetricName, day, new UnitKey(idType ?? r.IdType, r.UserId),
            new Measurement(r.MetricValue, r.Numerator, r.Denominator));
    }

    /// <summary>
    /// The description of an ID type the project does not define, worked out (with its suggestion) once per request:
    /// the source's most common mistake is one wrong ID type in every record, and a request may hold 10,000 of them.
    /// </summary>
    private string UnknownIdType(string idType)
    {
        _unknownIdTypes ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (!_unknownIdTypes.TryGetValue(idType, out var description))
            _unknownIdTypes[idType] = description = idTypes.Describe(idType);
        return description;
    }

    /// <summary>
    /// The records of a request mostly share one metric name and ID type: what a rule makes of a text is worked out
    /// once in a row of records giving the same text.
    /// </summary>
    private struct RepeatedText
    {
        private string? _text;
        private string? _result;

        public string? Of(string text, Func<string, string?> rule)
        {
            if (_text is null || !string.Equals(text, _text, StringComparison.Ordinal))
            {
                _result = rule(text);
                _text = text;
            }
            return _result;
        }
    }

    /// <summary>The records of a request mostly share one date: each distinct text is parsed once in a row.</summary>
    private struct DateCache(PacificDay today)
    {
        private string? _text;
        private bool _valid;
        private PacificDay _day;

        public PacificDay Today { get; } = today;

        public bool TryParse(string text, out PacificDay day)
        {
            if (!string.Equals(text, _text, StringComparison.Ordinal))
            {
                _valid = PacificDay.TryParse(text, out _day);
                _text = text;
            }
            day = _day;
            return _valid;
        }
    }

    private static void CheckNumber(int i, double? value, string field, List<RecordViolation> violations)
    {
        if (value is not { } v)
            return;
        if (!double.IsFinite(v))
            violations.Add(new(i, field, $"{field} must be a finite number, got {v}"));
        else if (Math.Abs(v) > MaxMagnitude)
            violations.Add(new(i, field, $"{field} must be between -{MaxMagnitude:0e0} and {MaxMagnitude:0e0}, got {v:R}"));
    }

    private static BatchValidation Invalid(RecordViolation violation) => new([], [violation]);
}
