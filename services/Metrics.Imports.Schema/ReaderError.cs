namespace Metrics.Imports.Schema;

/// <summary>What a file reader's (DuckDB's) error says, in one line: the problem and where, without its advice or internals.</summary>
public static class ReaderError
{
    /// <summary>
    /// The first line of <paramref name="message"/> — a streamed result's wrapper line skipped, for the error under it — and,
    /// for a value that does not convert, which column and value: <c>Conversion Error: CSV Error on Line: 40002: Error when
    /// converting column "metric_value". Could not convert string "twelve" to 'BIGINT'</c>.
    /// </summary>
    public static string Describe(string message)
    {
        var lines = message.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.Contains("pending query result", StringComparison.Ordinal))
            .Select(l => l.StartsWith("Error: ", StringComparison.Ordinal) ? l["Error: ".Length..] : l)
            .ToList();
        var first = lines.FirstOrDefault() ?? message.Trim();
        var conversion = lines.FirstOrDefault(l => l.StartsWith("Error when converting", StringComparison.Ordinal));
        return conversion is null || conversion == first ? first : $"{first}: {conversion}";
    }
}
