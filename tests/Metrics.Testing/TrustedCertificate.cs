using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Metrics.Testing;

/// <summary>
/// HTTP handlers for a server whose endpoints present a certificate of the test's own: they trust that certificate
/// alone, as the root of its chain, and still check that it names the host they connect to.
/// </summary>
public static class TrustedCertificate
{
    public static SocketsHttpHandler Handler(X509Certificate2 certificate)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(certificate);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy },
            // As the handler Grpc.Net.Client makes itself: more than one connection once a connection's streams run out.
            EnableMultipleHttp2Connections = true,
        };
    }
}
