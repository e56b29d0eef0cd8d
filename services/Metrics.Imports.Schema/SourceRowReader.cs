using System.Data.Common;
using System.Globalization;

namespace Metrics.Imports.Schema;

/// <summary>
/// Reads the rows of <see cref="ImportColumns.RowsSql(string, string, string)"/> as <see cref="SourceRow"/>s. A source's rows
/// mostly repeat their ID type, date and metric name from one row to the next: a text equal to the row before's is
/// given as the row before's instance, so that the rows held share one string each (and the validation and the
/// partition, which look at the instance first, find them at once); a DATE column's day is formatted once in a row of
/// rows of one day. A reader that checks a date need do so once an instance.
/// </summary>
public sealed class SourceRowReader
{
    private readonly bool _dateTyped;
    private string _idType = "";
    private string _metricName = "";
    private DateTime _date;
    private string _dateText = "";

    internal SourceRowReader(bool dateTyped) => _dateTyped = dateTyped;

    public SourceRow Read(DbDataReader reader, long rowNumber) => new(
        rowNumber,
        Text(reader, 0),
        Repeated(Text(reader, 1), ref _idType),
        Date(reader),
        Repeated(Text(reader, 3), ref _metricName),
        ImportColumns.Number(reader, 4),
        ImportColumns.Number(reader, 5),
        ImportColumns.Number(reader, 6),
        !reader.IsDBNull(7) && reader.GetBoolean(7));

    private static string Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? "" : reader.GetString(ordinal);

    private static string Repeated(string text, ref string before) =>
        string.Equals(text, before, StringComparison.Ordinal) ? before : before = text;

    /// <summary>A DATE column's day as YYYY-MM-DD; a text or timestamp column's first ten characters, as the SQL cut them.</summary>
    private string Date(DbDataReader reader)
    {
        if (reader.IsDBNull(2))
            return "";
        if (!_dateTyped)
            return Repeated(Text(reader, 2), ref _dateText);
        var date = reader.GetDateTime(2);
        if (date != _date || _dateText.Length == 0)
            (_date, _dateText) = (date, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return _dateText;
    }
}
