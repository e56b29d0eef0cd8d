namespace Metrics.Domain;

/// <summary>What every client string naming something (a unit, a metric) must be: given, and free of control characters.</summary>
internal static class FieldText
{
    /// <summary>The problem of <paramref name="value"/> as <paramref name="field"/>, or null. Control characters (Unicode category Cc) are all single UTF-16 code units.</summary>
    public static string? Problem(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
            return $"{field} is required";
        foreach (var c in value)
            if (char.IsControl(c))
                return $"{field} contains a control character (U+{(int)c:X4})";
        return null;
    }
}
