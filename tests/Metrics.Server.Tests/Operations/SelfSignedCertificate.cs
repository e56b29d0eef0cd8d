using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Metrics.Server.Tests.Operations;

/// <summary>
/// A self-signed server certificate for 127.0.0.1 and localhost, valid for a day, written to a directory of its own
/// as Kestrel reads one: PEM (<see cref="CertificatePem"/> and <see cref="KeyPem"/>) and PFX (<see cref="Pfx"/>,
/// with <see cref="PfxPassword"/>). <see cref="Certificate"/> is its public part, for the clients to trust.
/// </summary>
internal sealed class SelfSignedCertificate : IDisposable
{
    public const string PfxPassword = "pfx-password";

    private readonly string _directory = Directory.CreateTempSubdirectory("metrics-tls-").FullName;

    public SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        using var withKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        File.WriteAllText(CertificatePem, withKey.ExportCertificatePem());
        File.WriteAllText(KeyPem, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(Pfx, withKey.Export(X509ContentType.Pfx, PfxPassword));
        Certificate = X509CertificateLoader.LoadCertificate(withKey.RawData);
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePem => Path.Combine(_directory, "server.crt");

    public string KeyPem => Path.Combine(_directory, "server.key");

    public string Pfx => Path.Combine(_directory, "server.pfx");

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
