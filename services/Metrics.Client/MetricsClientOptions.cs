namespace Metrics.Client;

/// <summary>Where the server is and how to call it.</summary>
public sealed class MetricsClientOptions
{
    /// <summary>The server's gRPC endpoint (HTTP/2); <c>https://</c> for TLS.</summary>
    public Uri Url { get; set; } = new("http://127.0.0.1:5001");

    /// <summary>The project's key, sent as <c>statsig-api-key</c> on every call: a server secret, or an ingest key for ingest alone.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Attempts of a call answered <c>UNAVAILABLE</c> (a node lost, the store unreachable), the first included: 2–5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first retry; each next one waits up to twice as long (with jitter), at most 10 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The deadline of a unary call.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        if (!Url.IsAbsoluteUri || Url.Scheme is not ("http" or "https"))
            throw new ArgumentException($"Url {Url} is not an http:// or https:// address", nameof(Url));
        if (string.IsNullOrEmpty(ApiKey))
            throw new ArgumentException("ApiKey is empty: every call needs the project's key", nameof(ApiKey));
        if (MaxAttempts is < 2 or > 5)
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts is 2–5");
        if (InitialBackoff <= TimeSpan.Zero || CallTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(InitialBackoff), "InitialBackoff and CallTimeout are positive");
    }
}
