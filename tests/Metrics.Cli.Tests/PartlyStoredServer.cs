using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;
using Metrics.Contracts.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Cli.Tests;

/// <summary>
/// A gRPC endpoint whose every <c>LogCustomMetric</c> succeeds having applied <c>accepted</c> of its records: what a
/// retry is answered when an earlier attempt under its key stored the rest (a node lost half-way). The real server
/// answers so only after a failure in the middle of a call, which no test can time; this one answers so every time.
/// </summary>
internal sealed class PartlyStoredServer(WebApplication app, Uri url) : IAsyncDisposable
{
    public Uri Url { get; } = url;

    public static async Task<PartlyStoredServer> StartAsync(int accepted)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Not the server's appsettings.json, which the build copies beside the tests: its endpoints are not this one's.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapPost("/metrics.v1.IngestService/LogCustomMetric", async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            var reply = new LogCustomMetricResponse { Success = true, Accepted = accepted }.ToByteArray();
            // A gRPC message: not compressed (0), its length (big-endian), the message; then the status as a trailer.
            var frame = new byte[5 + reply.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)reply.Length);
            reply.CopyTo(frame, 5);
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(frame);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new PartlyStoredServer(app, new Uri(address.Single()));
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
