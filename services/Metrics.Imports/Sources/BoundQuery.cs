using Metrics.Domain;

namespace Metrics.Imports.Sources;

/// <summary>
/// An import's query for PostgreSQL: its <c>{{start_date}}</c> and <c>{{end_date}}</c> placeholders replaced by
/// positional parameters, numbered in the order of the list (<c>{{start_date}}</c> first) among those the query uses,
/// and the values to bind to them. Only the placeholders used are bound: a parameter the query never mentions would
/// leave PostgreSQL unable to tell its type.
/// </summary>
internal sealed record BoundQuery(string Sql, IReadOnlyList<string> Values)
{
    private const string StartDate = "{{start_date}}";
    private const string EndDate = "{{end_date}}";

    public static BoundQuery Of(string query, PacificDay from, PacificDay to)
    {
        var sql = query;
        var values = new List<string>(2);
        foreach (var (placeholder, day) in new[] { (StartDate, from), (EndDate, to) })
        {
            if (!sql.Contains(placeholder, StringComparison.Ordinal))
                continue;
            values.Add(day.ToString());
            sql = sql.Replace(placeholder, $"${values.Count}", StringComparison.Ordinal);
        }
        return new BoundQuery(sql, values);
    }
}
