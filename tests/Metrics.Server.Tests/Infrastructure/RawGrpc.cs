using Grpc.Core;
using Grpc.Net.Client;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>Unary gRPC calls whose request is given as bytes, so that it need not be a valid protobuf message.</summary>
public static class RawGrpc
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static readonly Method<byte[], byte[]> LogCustomMetric = Unary("metrics.v1.IngestService", "LogCustomMetric");

    public static readonly Method<byte[], byte[]> MarkDataReady = Unary("metrics.v1.ReadinessService", "MarkDataReady");

    /// <summary>The call's status: OK, or the error it ended with.</summary>
    public static async Task<Status> CallAsync(GrpcChannel channel, Method<byte[], byte[]> method, byte[] request, Metadata headers)
    {
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(60)), request);
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }

    private static Method<byte[], byte[]> Unary(string service, string name) => new(MethodType.Unary, service, name, Bytes, Bytes);
}
