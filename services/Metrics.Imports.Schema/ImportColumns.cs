using System.Data.Common;

namespace Metrics.Imports.Schema;

/// <summary>
/// The columns of the warehouse-import schema found among a query's result columns (names compared without case;
/// <c>user_id</c> stands for <c>unit_id</c>), checked for presence and type, and the SQL that reads them or
/// fingerprints them — one dialect for PostgreSQL and DuckDB, which share what it uses. The value columns are read as
/// double precision numbers (<see cref="ValueSql"/>), and a missing one as NULL; a row with numerator and denominator
/// is a ratio row, whose value counts 0; a row with neither a value nor a ratio pair counts <c>metric_value</c> 0.
/// </summary>
public sealed class ImportColumns
{
    private static readonly Type[] Numbers =
        [typeof(double), typeof(float), typeof(decimal), typeof(long), typeof(int), typeof(short), typeof(byte), typeof(sbyte), typeof(ulong), typeof(uint), typeof(ushort)];

    private static readonly Type[] Dates = [typeof(DateTime), typeof(DateOnly), typeof(DateTimeOffset), typeof(string)];

    private readonly string _unit, _idType, _date, _metric, _value, _numerator, _denominator, _isTest;

    /// <summary>The date column is of the SQL type DATE: compared as a date, not as text.</summary>
    private readonly bool _dateTyped;

    private ImportColumns(
        string unit, string idType, string date, bool dateTyped, string metric, string value, string numerator, string denominator, string isTest)
    {
        (_unit, _idType, _date, _dateTyped, _metric, _value, _numerator, _denominator, _isTest) =
            (unit, idType, date, dateTyped, metric, value, numerator, denominator, isTest);
    }

    /// <summary>Checks the result columns of a query (read with no rows); throws <see cref="SourceException"/> naming what is wrong.</summary>
    public static ImportColumns Of(DbDataReader schema)
    {
        var columns = Enumerable.Range(0, schema.FieldCount)
            .Select(i => (Name: schema.GetName(i), Type: schema.GetFieldType(i), TypeName: schema.GetDataTypeName(i)))
            .ToList();
        var found = string.Join(", ", columns.Select(c => c.Name));

        (string Name, Type Type, string TypeName)? Find(params string[] names) =>
            columns.Cast<(string Name, Type Type, string TypeName)?>()
                .FirstOrDefault(c => names.Contains(c!.Value.Name, StringComparer.OrdinalIgnoreCase));

        string Required(string display, Type[]? types, params string[] names)
        {
            var column = Find(names) ?? throw new SourceException(SourceFailure.Schema,
                $"the rows have no column {display}; the import schema needs unit_id (or user_id), id_type, date, metric_name and " +
                $"metric_value or numerator and denominator; the columns found: {found}");
            return Checked(column, types);
        }

        string Optional(string name, Type[] types) => Find(name) is { } column ? Checked(column, types) : "NULL";

        string? Value(string name) => Find(name) is { } column ? ValueSql.AsDouble(Checked(column, Numbers), column.TypeName) : null;

        string Checked((string Name, Type Type, string TypeName) column, Type[]? types) =>
            types is null || types.Contains(column.Type)
                ? Quote(column.Name)
                : throw new SourceException(SourceFailure.Schema,
                    $"column {column.Name} has type {column.TypeName}; it must be {(types == Numbers ? "a number" : types == Dates ? "a DATE or YYYY-MM-DD text" : "boolean")}");

        var value = Value("metric_value");
        var numerator = Value("numerator");
        var denominator = Value("denominator");
        if (value is null && (numerator is null || denominator is null))
            Required("metric_value", Numbers, "metric_value");
        return new ImportColumns(
            Required("unit_id", null, "unit_id", "user_id"),
            Required("id_type", null, "id_type"),
            Required("date", Dates, "date"),
            string.Equals(Find("date")!.Value.TypeName, "date", StringComparison.OrdinalIgnoreCase),
            Required("metric_name", null, "metric_name"),
            value ?? ValueSql.Absent, numerator ?? ValueSql.Absent, denominator ?? ValueSql.Absent,
            Optional("is_test", [typeof(bool)]));
    }

    /// <summary>
    /// The day of a row as the window compares and groups it: a DATE column as it is (the database compares dates
    /// without text, and estimates the window's rows from the column's statistics), a timestamp or a text column by
    /// its first ten characters.
    /// </summary>
    private string DayKey => _dateTyped ? _date : $"left(CAST({_date} AS VARCHAR), 10)";

    /// <summary><paramref name="day"/> (YYYY-MM-DD) as a value <see cref="DayKey"/> compares with.</summary>
    private string DayBound(string day) => _dateTyped ? $"DATE '{day}'" : $"'{day}'";

    /// <summary>A <see cref="DayKey"/> expression as YYYY-MM-DD text.</summary>
    private string DayText(string dayKey) => _dateTyped ? $"CAST({dayKey} AS VARCHAR)" : dayKey;

    private string InWindow(string dayKey, string from, string to) => $"{dayKey} BETWEEN {DayBound(from)} AND {DayBound(to)}";

    /// <summary>A row of the fingerprint's inner query is a ratio row.</summary>
    private const string IsRatio = "(numerator IS NOT NULL AND denominator IS NOT NULL)";

    /// <summary>
    /// One row per (metric, day) in [from, to]: metric, day, rows, value sum, numerator sum, denominator sum. The row
    /// count counts every row; the sums add only the values the validation can accept (<see cref="ValueSql.Acceptable"/>),
    /// so a change of a valid value, or a value turning valid or invalid (NaN, ±Infinity, too large), changes the
    /// fingerprint, whatever invalid values the day holds besides.
    /// </summary>
    public string FingerprintSql(string source, string from, string to) => $"""
        SELECT metric_name, {DayText("metric_day")}, count(*),
               sum(CASE WHEN {IsRatio} THEN 0 ELSE {ValueSql.Acceptable("coalesce(metric_value, 0)")} END),
               sum(CASE WHEN {IsRatio} THEN {ValueSql.Acceptable("numerator")} ELSE 0 END),
               sum(CASE WHEN {IsRatio} THEN {ValueSql.Acceptable("denominator")} ELSE 0 END)
        FROM (SELECT CAST({_metric} AS VARCHAR) AS metric_name, {DayKey} AS metric_day,
                     {_value} AS metric_value, {_numerator} AS numerator, {_denominator} AS denominator
              FROM ({source}) AS source) AS source
        WHERE {InWindow("metric_day", from, to)}
        GROUP BY metric_name, metric_day
        """;

    /// <summary>The rows in [from, to], in the schema's order of columns.</summary>
    public string RowsSql(string source, string from, string to) => $"""
        {RowsSql(source)}
        WHERE {InWindow(DayKey, from, to)}
        """;

    /// <summary>
    /// Every row, in the order the source holds them and the schema's order of columns (what <see cref="SourceRowReader"/>
    /// reads): a DATE column's day as a date, which the database sends in four bytes rather than formatted as text.
    /// </summary>
    public string RowsSql(string source) => $"""
        SELECT CAST({_unit} AS VARCHAR), CAST({_idType} AS VARCHAR), {DayKey}, CAST({_metric} AS VARCHAR), {_value}, {_numerator}, {_denominator}, {_isTest}
        FROM ({source}) AS source
        """;

    /// <summary>Runs the fingerprint query <paramref name="command"/> holds and reads its rows.</summary>
    public static async Task<IReadOnlyList<DayFingerprint>> ReadFingerprintsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var fingerprints = new List<DayFingerprint>();
        while (await reader.ReadAsync(cancellationToken))
            fingerprints.Add(ReadFingerprint(reader));
        return fingerprints;
    }

    private static DayFingerprint ReadFingerprint(DbDataReader reader) => new(
        reader.IsDBNull(0) ? "" : reader.GetString(0),
        reader.IsDBNull(1) ? "" : reader.GetString(1),
        reader.GetInt64(2),
        Number(reader, 3) ?? 0,
        Number(reader, 4) ?? 0,
        Number(reader, 5) ?? 0);

    /// <summary>A reader of the rows of <see cref="RowsSql(string, string, string)"/>, for one read.</summary>
    public SourceRowReader RowReader() => new(_dateTyped);

    /// <summary>A value column or a sum of them, double precision as the SQL reads them; null for NULL.</summary>
    internal static double? Number(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static string Quote(string name) => $"\"{name.Replace("\"", "\"\"")}\"";
}
