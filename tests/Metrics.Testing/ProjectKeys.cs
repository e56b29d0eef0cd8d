using Grpc.Core;

namespace Metrics.Testing;

/// <summary>
/// A project a hosted server is configured with, and its two keys, derived from its name: the server secret
/// (every RPC) and the ingest key (IngestService only), as the <c>statsig-api-key</c> header carries them.
/// </summary>
public sealed record ProjectKeys(string Name)
{
    public const string KeyHeader = "statsig-api-key";

    public string ServerSecret => $"secret-{Name}";

    public string IngestKey => $"ingest-{Name}";

    public Metadata IngestHeaders => Headers(IngestKey);

    public Metadata SecretHeaders => Headers(ServerSecret);

    /// <summary>The server settings that configure this project with its two keys.</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new($"Metrics:Projects:{Name}:ServerSecrets:0", ServerSecret),
        new($"Metrics:Projects:{Name}:IngestKeys:0", IngestKey),
    ];

    /// <summary>The gRPC headers presenting <paramref name="key"/>, whichever project's (or no project's) it is.</summary>
    public static Metadata Headers(string key) => new() { { KeyHeader, key } };
}
