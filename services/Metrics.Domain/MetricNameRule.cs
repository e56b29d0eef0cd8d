namespace Metrics.Domain;

/// <summary>
/// What a metric name must be, wherever it comes from: an ingested record, an imported row, or a read that looks a
/// metric up (a name is a grain's key, so a read must not take one that no write could have stored).
/// </summary>
public static class MetricNameRule
{
    public const int MaxCharacters = 128;

    /// <summary>Why <paramref name="name"/> cannot name a metric, as the description of the field <c>metric_name</c>; null when it can.</summary>
    public static string? Problem(string name)
    {
        if (FieldText.Problem(name, "metric_name") is { } problem)
            return problem;
        if (name is "." or "..")
            return $"metric_name \"{name}\" is reserved: it names no metric in a URL path (/v1/metrics/{name})";
        if (name.Length > MaxCharacters && RuneCount(name) > MaxCharacters)
            return $"metric_name is longer than {MaxCharacters} characters";
        return null;
    }

    private static int RuneCount(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
            count++;
        return count;
    }
}
