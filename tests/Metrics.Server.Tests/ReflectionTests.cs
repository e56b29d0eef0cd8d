using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Metrics.Server.Tests.Infrastructure;

namespace Metrics.Server.Tests;

/// <summary>
/// A client with no .proto file: discovers the services through gRPC server reflection, reads the method and
/// message shapes from the descriptors, and calls ReadinessService with hand-encoded protobuf bytes.
/// </summary>
public sealed class ReflectionTests
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    [Fact]
    public async Task ReflectionListsEveryService()
    {
        var server = await SharedServer.GetAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var reflection = new ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo(cancellationToken: timeout.Token);

        var reply = await AskAsync(reflection, new ServerReflectionRequest { ListServices = "" }, timeout.Token);
        var services = reply.ListServicesResponse.Service.Select(s => s.Name).ToHashSet();
        foreach (var expected in new[]
                 {
                     "metrics.v1.IngestService", "metrics.v1.ReadinessService", "metrics.v1.LogstreamService",
                     "metrics.v1.MetricsService", "grpc.health.v1.Health",
                 })
            Assert.Contains(expected, services);
        await reflection.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task GetReadinessCanBeCalledFromReflectedDescriptorsAlone()
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var headers = ProjectKeys.Headers(project.ServerSecret);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var reflection = new ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo(cancellationToken: timeout.Token);

        // The file that defines the service, and the messages it can see.
        var files = await FilesContainingAsync(reflection, "metrics.v1.ReadinessService", timeout.Token);
        var (file, service) = files
            .SelectMany(f => f.Service.Select(s => (File: f, Service: s)))
            .Single(x => $"{x.File.Package}.{x.Service.Name}" == "metrics.v1.ReadinessService");
        var serviceName = $"{file.Package}.{service.Name}";

        var getReadiness = Assert.Single(service.Method, m => m.Name == "GetReadiness");
        Assert.False(getReadiness.ClientStreaming);
        Assert.False(getReadiness.ServerStreaming);
        var input = await MessageAsync(reflection, files, getReadiness.InputType, timeout.Token);
        var output = await MessageAsync(reflection, files, getReadiness.OutputType, timeout.Token);

        var typeField = Assert.Single(input.Field, f => f.Name == "type");
        Assert.Equal(FieldDescriptorProto.Types.Type.String, typeField.Type);
        var watermarkField = Assert.Single(output.Field, f => f.Name == "watermark");
        Assert.Equal(1, watermarkField.Number);
        Assert.Equal(FieldDescriptorProto.Types.Type.Int64, watermarkField.Type);
        Assert.Contains(output.Field, f => f.Name == "last_finalized_date" && f.Type == FieldDescriptorProto.Types.Type.String);
        Assert.Contains(output.Field, f => f.Name == "open_dates" && f.Label == FieldDescriptorProto.Types.Label.Repeated);

        // Move the watermark, also without generated types: MarkDataReadyRequest { timestamp } from its descriptor.
        var markDataReady = Assert.Single(service.Method, m => m.Name == "MarkDataReady");
        var markInput = await MessageAsync(reflection, files, markDataReady.InputType, timeout.Token);
        var timestampField = Assert.Single(markInput.Field, f => f.Name == "timestamp");
        Assert.Equal(FieldDescriptorProto.Types.Type.Int64, timestampField.Type);
        const long watermark = 1_760_000_123;
        var markRequest = Encode(o =>
        {
            o.WriteTag(timestampField.Number, WireFormat.WireType.Varint);
            o.WriteInt64(watermark);
        });
        var invoker = server.Channel.CreateCallInvoker();
        var markMethod = new Method<byte[], byte[]>(MethodType.Unary, serviceName, markDataReady.Name, Bytes, Bytes);
        Assert.Equal("/metrics.v1.ReadinessService/MarkDataReady", markMethod.FullName);
        await invoker.AsyncUnaryCall(markMethod, null, new CallOptions(headers, cancellationToken: timeout.Token), markRequest);

        var method = new Method<byte[], byte[]>(MethodType.Unary, serviceName, getReadiness.Name, Bytes, Bytes);
        Assert.Equal("/metrics.v1.ReadinessService/GetReadiness", method.FullName);
        var reply = await invoker.AsyncUnaryCall(method, null, new CallOptions(headers, cancellationToken: timeout.Token), []);

        long? decoded = null;
        var stream = new CodedInputStream(reply);
        for (var tag = stream.ReadTag(); tag != 0; tag = stream.ReadTag())
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
                decoded = stream.ReadInt64();
            else
                stream.SkipLastField();
        }
        Assert.Equal(watermark, decoded);

        // The same call without a key is refused.
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            invoker.AsyncUnaryCall(method, null, new CallOptions(cancellationToken: timeout.Token), []).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        await reflection.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task HealthReportsServing()
    {
        var server = await SharedServer.GetAsync();
        var reply = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(15));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    private static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return buffer.ToArray();
    }

    private static async Task<ServerReflectionResponse> AskAsync(
        AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call, ServerReflectionRequest request, CancellationToken cancellationToken)
    {
        await call.RequestStream.WriteAsync(request, cancellationToken);
        Assert.True(await call.ResponseStream.MoveNext(cancellationToken), "the reflection stream ended");
        var reply = call.ResponseStream.Current;
        Assert.True(reply.ErrorResponse is null, $"reflection error {reply.ErrorResponse?.ErrorCode}: {reply.ErrorResponse?.ErrorMessage}");
        return reply;
    }

    private static async Task<List<FileDescriptorProto>> FilesContainingAsync(
        AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call, string symbol, CancellationToken cancellationToken)
    {
        var reply = await AskAsync(call, new ServerReflectionRequest { FileContainingSymbol = symbol }, cancellationToken);
        var files = reply.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
        Assert.NotEmpty(files);
        return files;
    }

    /// <summary>A message by its fully qualified type name (".pkg.Name"), asking the server when it is not known yet.</summary>
    private static async Task<DescriptorProto> MessageAsync(
        AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call, List<FileDescriptorProto> files, string typeName, CancellationToken cancellationToken)
    {
        var name = typeName.TrimStart('.');
        if (Find(files, name) is { } known)
            return known;
        files.AddRange(await FilesContainingAsync(call, name, cancellationToken));
        return Find(files, name) ?? throw new InvalidOperationException($"message {name} not found through reflection");
    }

    private static DescriptorProto? Find(IEnumerable<FileDescriptorProto> files, string fullName) =>
        files.SelectMany(f => f.MessageType.Select(m => (Name: string.IsNullOrEmpty(f.Package) ? m.Name : $"{f.Package}.{m.Name}", Message: m)))
            .FirstOrDefault(x => x.Name == fullName).Message;
}
