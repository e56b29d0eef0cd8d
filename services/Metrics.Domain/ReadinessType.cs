namespace Metrics.Domain;

/// <summary>The kinds of data a watermark can be set for. Only metrics exist; empty means metrics.</summary>
public static class ReadinessType
{
    public const string Metrics = "metrics";

    public static bool TryNormalize(string? type, out string normalized)
    {
        normalized = string.IsNullOrEmpty(type) ? Metrics : type;
        return normalized == Metrics;
    }

    public static string Unknown(string type) => $"unknown type \"{type}\"; the only type is \"{Metrics}\"";
}
