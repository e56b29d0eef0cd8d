using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using static Metrics.Server.Tests.HostileInput.HostileInputProbe;

namespace Metrics.Server.Tests.HostileInput;

/// <summary>
/// gRPC requests whose framing breaks the protocol, sent over plain HTTP/2: grpc-dotnet answers them before the
/// service sees a message — INTERNAL, or UNKNOWN (with an error in the log) for a compression flag that is
/// neither 0 nor 1 and for compressed data that does not decompress. Nothing is applied; the server still serves.
/// </summary>
public sealed class GrpcFramingTests
{
    [Theory]
    [InlineData("message shorter than its length prefix", StatusCode.Internal)]
    [InlineData("a second message for a unary call", StatusCode.Internal)]
    [InlineData("compressed flag without grpc-encoding", StatusCode.Internal)]
    [InlineData("compressed flag 2", StatusCode.Unknown)]
    [InlineData("gzip flag on data that is not gzip", StatusCode.Unknown)]
    public async Task BrokenFramingIsRefused(string framing, StatusCode expected)
    {
        var server = await SharedServer.GetAsync();
        var project = server.NewProject();
        var message = new LogCustomMetricRequest { Metrics = { ValidRecord() } }.ToByteArray();
        var (body, encoding) = framing switch
        {
            "message shorter than its length prefix" => (Frame(0, message, message.Length + 10), ""),
            "a second message for a unary call" => ([.. Frame(0, message, message.Length), .. Frame(0, message, message.Length)], ""),
            "compressed flag without grpc-encoding" => (Frame(1, message, message.Length), ""),
            "compressed flag 2" => (Frame(2, message, message.Length), ""),
            _ => (Frame(1, message, message.Length), "gzip"),
        };

        var status = await PostAsync(server, project, body, encoding);

        Assert.Equal(expected, status);
        await AssertNothingIngestedAndStillServesAsync(server, project);
    }

    private static byte[] Frame(byte flag, byte[] message, int declaredLength)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), declaredLength);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>The grpc-status of the answer: in the trailers, or in the headers of a trailers-only answer.</summary>
    private static async Task<StatusCode> PostAsync(SharedServer server, ProjectKeys project, byte[] body, string encoding)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Process.GrpcAddress, "/metrics.v1.IngestService/LogCustomMetric"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.Add("statsig-api-key", project.IngestKey);
        if (encoding.Length > 0)
            request.Headers.Add("grpc-encoding", encoding);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer : response.Headers.GetValues("grpc-status");
        return (StatusCode)int.Parse(status.Single(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
