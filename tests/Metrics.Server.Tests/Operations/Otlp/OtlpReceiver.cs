using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Metrics.Server.Tests.Operations.Otlp;

/// <summary>
/// A collector in the test process: OTLP over HTTP with protobuf bodies (<c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>)
/// on a loopback port. Keeps every span posted to <c>/v1/traces</c>; other signals are accepted and dropped.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();

    private OtlpReceiver(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>What <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set to.</summary>
    public Uri Endpoint { get; }

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var endpoint = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var builder = WebApplication.CreateSlimBuilder();
        // Not the server's appsettings.json, which the test build copies beside the tests, with its Kestrel endpoints.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection([new("urls", endpoint.ToString())]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, endpoint);
        app.MapPost("/v1/traces", receiver.ReceiveAsync);
        app.MapPost("/v1/{signal}", () => Results.Ok());
        await app.StartAsync();
        return receiver;
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var export = ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
        foreach (var resource in export.ResourceSpans)
        foreach (var scope in resource.ScopeSpans)
        foreach (var span in scope.Spans)
            _spans.Enqueue(new ReceivedSpan(scope.Scope?.Name ?? "", span));
        return Results.Ok();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>A span as the collector got it, with the name of the instrumentation that made it.</summary>
internal sealed record ReceivedSpan(string Scope, Span Span)
{
    public string TraceId => Convert.ToHexString(Span.TraceId.Span);
    public string Id => Convert.ToHexString(Span.SpanId.Span);
    public string ParentId => Convert.ToHexString(Span.ParentSpanId.Span);

    public string? Attribute(string key) =>
        Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value is { } value
            ? value.ValueCase == AnyValue.ValueOneofCase.StringValue ? value.StringValue : value.ToString()
            : null;

    public override string ToString() =>
        $"{Scope} \"{Span.Name}\" {Id}<-{ParentId} [{string.Join(", ", Span.Attributes.Select(a => $"{a.Key}={a.Value}"))}]";
}
