using System.Security.Cryptography.X509Certificates;

namespace Metrics.Testing;

/// <summary>How <see cref="MetricsServerProcess"/> starts, watches and ends a Metrics.Server process.</summary>
public sealed record MetricsServerOptions
{
    /// <summary>The Metrics.Server.dll to run, e.g. <see cref="RepositoryLayout.ServerAssembly"/>.</summary>
    public required string ServerAssembly { get; init; }

    /// <summary>Names the process in error messages and in the log file's marks, e.g. <c>node-ingest</c>.</summary>
    public string Name { get; init; } = "Metrics.Server";

    /// <summary>
    /// Configuration keys as in appsettings.json (<c>Metrics:Projects:p0:IngestKeys:0</c>), given to the process as
    /// environment variables (<c>Metrics__Projects__p0__IngestKeys__0</c>). The host adds the ports it picks: the
    /// Kestrel endpoints and the Orleans silo and gateway ports.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Environment variables for the .NET runtime itself (<c>DOTNET_*</c>), which no configuration key reaches: e.g.
    /// the image's <c>DOTNET_TC_CallCountingDelayMs</c>, which the benchmark gives its nodes as the image does.
    /// </summary>
    public IReadOnlyDictionary<string, string> RuntimeEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Keeps the output in memory, for <see cref="MetricsServerProcess.Output"/>.</summary>
    public bool KeepOutput { get; init; } = true;

    /// <summary>Appends the output, every run after a mark line, to this file.</summary>
    public string? LogFile { get; init; }

    /// <summary>How long a start may take until gRPC health answers SERVING.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The send and receive limit of the channels <see cref="MetricsServerProcess.CreateChannel"/> makes; null keeps
    /// Grpc.Net.Client's defaults (4 MiB received, no limit sent).
    /// </summary>
    public int? MaxChannelMessageBytes { get; init; }

    /// <summary>
    /// How disposing ends the process: null kills it at once (SIGKILL), as a test needs nothing more; else SIGTERM,
    /// so it leaves the cluster, and SIGKILL only when it has not exited within this grace.
    /// </summary>
    public TimeSpan? StopGrace { get; init; }

    /// <summary>
    /// The certificate the server's endpoints present: the host then gives them <c>https://</c> URLs — the
    /// <see cref="Settings"/> name the certificate's files (<c>Kestrel:Endpoints:&lt;Name&gt;:Certificate:*</c>) — and its
    /// channels and clients trust this certificate alone. Null: plaintext <c>http://</c>.
    /// </summary>
    public X509Certificate2? TrustedCertificate { get; init; }

    /// <summary>Disposed with the host, after its process ended: e.g. a redis-server started for this server alone.</summary>
    public IAsyncDisposable? Owned { get; init; }
}
