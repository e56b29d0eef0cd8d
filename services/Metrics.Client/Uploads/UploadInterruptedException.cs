using Grpc.Core;

namespace Metrics.Client.Uploads;

/// <summary>An upload ended by a refusal it cannot go past (a wrong key, a quota, the server unreachable): what it did until then, and the refusal.</summary>
public sealed class UploadInterruptedException(UploadReport report, RpcException refusal)
    : Exception($"the upload stopped: {refusal.StatusCode}: {refusal.Status.Detail}", refusal)
{
    public UploadReport Report { get; } = report;

    public RpcException Refusal { get; } = refusal;
}
