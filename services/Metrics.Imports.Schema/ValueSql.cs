using System.Globalization;
using Metrics.Domain;

namespace Metrics.Imports.Schema;

/// <summary>
/// The SQL (one dialect for PostgreSQL and DuckDB) that reads a value column — <c>metric_value</c>, <c>numerator</c>,
/// <c>denominator</c> — as a double precision number without ever failing, so that a value no double holds is an
/// invalid row, reported with its number and column, and not an error of the whole query.
/// </summary>
internal static class ValueSql
{
    /// <summary>The largest finite double, as SQL text (a NUMERIC literal in PostgreSQL, compared exactly).</summary>
    private const string MaxDouble = "1.7976931348623157e308";

    /// <summary>The smallest double above 0.</summary>
    private const string MinDouble = "4.9406564584124654e-324";

    /// <summary>
    /// <paramref name="column"/> (quoted) of the database type <paramref name="typeName"/> as FLOAT8. PostgreSQL's
    /// <c>numeric</c> (Amazon Redshift's too) holds what a double cannot, and its cast to one fails the query: its NaN
    /// and ±Infinity are read as the double's, a magnitude beyond the largest double as ±Infinity, and one nearer 0
    /// than the smallest double as 0 — so that the validation refuses the first three as non-finite. <c>money</c>
    /// converts through <c>numeric</c>; every other number type of either database casts as it is.
    /// </summary>
    public static string AsDouble(string column, string typeName) =>
        typeName.StartsWith("numeric", StringComparison.OrdinalIgnoreCase) ? $"""
            CASE WHEN {column} - {column} <> 0 THEN CAST({column} AS FLOAT8)
                 WHEN {column} > {MaxDouble} THEN CAST('Infinity' AS FLOAT8)
                 WHEN {column} < -{MaxDouble} THEN CAST('-Infinity' AS FLOAT8)
                 WHEN abs({column}) < {MinDouble} THEN CAST(0 AS FLOAT8)
                 ELSE CAST({column} AS FLOAT8) END
            """
        : typeName == "money" ? $"CAST(CAST({column} AS NUMERIC) AS FLOAT8)"
        : $"CAST({column} AS FLOAT8)";

    /// <summary>A value column that is absent: NULL, typed as the others are.</summary>
    public const string Absent = "CAST(NULL AS FLOAT8)";

    /// <summary>
    /// <paramref name="value"/> (a FLOAT8 expression) when the validation can accept it — finite, at most
    /// <see cref="RecordValidator.MaxMagnitude"/> in magnitude — and NULL otherwise (NaN compares above every number in
    /// both databases). A fingerprint's sums add these only: a NaN would make a sum NaN, and a huge value would
    /// swallow a change of the others, so either would hide every later change of the day's valid rows.
    /// </summary>
    public static string Acceptable(string value) =>
        $"CASE WHEN abs({value}) <= {RecordValidator.MaxMagnitude.ToString("0e0", CultureInfo.InvariantCulture)} THEN {value} END";
}
