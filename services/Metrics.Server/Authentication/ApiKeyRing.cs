using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Metrics.Domain;
using Metrics.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Metrics.Server.Authentication;

/// <summary>
/// Every configured key, each belonging to one project. Lookups compare SHA-256 digests in constant time and
/// always visit every key, so neither a key's length nor its position can be learned from timing.
/// </summary>
public sealed class ApiKeyRing
{
    private readonly (byte[] Digest, ProjectAccess Access)[] _keys;

    public ApiKeyRing(IOptions<MetricsOptions> options)
    {
        var keys = new List<(byte[], ProjectAccess)>();
        foreach (var (project, settings) in options.Value.Projects)
        {
            if (project.Length == 0 || project.Contains('/'))
                throw new InvalidOperationException($"Metrics:Projects: project name \"{project}\" must be non-empty and hold no '/'");
            var idTypes = new ProjectIdTypes(settings.IdTypes);
            keys.AddRange(settings.ServerSecrets.Select(k => (Digest(k), new ProjectAccess(project, KeyKind.ServerSecret, idTypes))));
            keys.AddRange(settings.IngestKeys.Select(k => (Digest(k), new ProjectAccess(project, KeyKind.Ingest, idTypes))));
        }
        var duplicate = keys.GroupBy(k => Convert.ToHexString(k.Item1)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException("Metrics:Projects: the same key is configured twice; a key belongs to exactly one project");
        _keys = keys.ToArray();
    }

    public const string Header = "statsig-api-key";
    private const string IngestService = "/metrics.v1.IngestService/";

    /// <summary>
    /// The caller of <paramref name="method"/> (<c>/metrics.v1.Service/Method</c>) presenting <paramref name="presented"/>,
    /// or the refusal: <c>UNAUTHENTICATED</c> for a missing or unknown key, <c>PERMISSION_DENIED</c> for an ingest key
    /// outside IngestService.
    /// </summary>
    public ProjectAccess Authorize(string method, string? presented)
    {
        if (string.IsNullOrEmpty(presented))
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"missing {Header} header"));
        var access = Find(presented) ?? throw new RpcException(new Status(StatusCode.Unauthenticated, $"unknown {Header}"));
        if (access.Kind != KeyKind.ServerSecret && !method.StartsWith(IngestService, StringComparison.Ordinal))
            throw new RpcException(new Status(StatusCode.PermissionDenied, "an ingest key may only call IngestService; use a server secret"));
        return access;
    }

    private ProjectAccess? Find(string presented)
    {
        var digest = Digest(presented);
        ProjectAccess? found = null;
        foreach (var (candidate, access) in _keys)
            if (CryptographicOperations.FixedTimeEquals(candidate, digest))
                found = access;
        return found;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
