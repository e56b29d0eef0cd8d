using System.CommandLine;
using Metrics.Client;

namespace Metrics.Cli;

/// <summary>The options every command has: where the server is and the key (SPEC §8), from the command line or the environment.</summary>
internal static class Connection
{
    public const string UrlVariable = "METRICS_URL";
    public const string KeyVariable = "METRICS_API_KEY";

    public static readonly Option<string> Url = new("--url")
    {
        Description = $"The server's gRPC address [env: {UrlVariable}]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url : "http://127.0.0.1:5001",
        Recursive = true,
    };

    public static readonly Option<string> Key = new("--key")
    {
        // No default shown in the help: it would print the key.
        Description = $"The project's key: a server secret, or an ingest key for upload [env: {KeyVariable}]",
        Recursive = true,
    };

    public static MetricsClient Client(ParseResult parse)
    {
        var url = parse.GetValue(Url)!;
        var key = parse.GetValue(Key) ?? Environment.GetEnvironmentVariable(KeyVariable) ?? "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            throw new UsageException($"--url \"{url}\" is not an http:// or https:// address");
        if (key.Length == 0)
            throw new UsageException($"no key: give --key or set {KeyVariable}");
        return new MetricsClient(new MetricsClientOptions { Url = address, ApiKey = key });
    }
}
