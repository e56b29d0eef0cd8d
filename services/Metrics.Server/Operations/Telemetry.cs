using Metrics.Grains.Telemetry;
using Metrics.Server.Cluster;
using OpenTelemetry.Metrics;
using Orleans.Diagnostics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Metrics.Server.Operations;

/// <summary>
/// SPEC §7's meters and traces. Meters always, scraped at the admin endpoint's <c>/metrics</c>; with
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set (the OpenTelemetry convention, with its <c>OTEL_*</c> companions for the
/// protocol, headers and sampler), meters and traces are also sent there over OTLP: a span per RPC, a span per
/// grain call (carried between nodes) and a span per Redis command, with project, metric and day as attributes.
/// </summary>
internal static class Telemetry
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string SamplerKey = "OTEL_TRACES_SAMPLER";
    private const string ServiceName = "metrics";

    /// <summary>
    /// The share of calls traced unless <c>OTEL_TRACES_SAMPLER</c> says otherwise (a caller's decision is followed):
    /// every call would cost the ingest path more than the 5 % the benchmark's TELEMETRY scenario allows.
    /// </summary>
    public const double DefaultSampledShare = 0.1;

    /// <summary>Whether a collector is configured: tracing is on only then, and costs nothing otherwise.</summary>
    public static bool Traces(IConfiguration configuration) => !string.IsNullOrEmpty(configuration[OtlpEndpointKey]);

    /// <summary>
    /// A span for every grain call the product makes, carried between nodes with the call, with project, metric and day
    /// on it. Only with traces on: without a listener the spans cost nothing, but carrying them would.
    /// </summary>
    public static void AddGrainTracing(this ISiloBuilder silo) =>
        silo.AddActivityPropagation().AddIncomingGrainCallFilter<GrainSpanFilter>();

    public static void AddTelemetry(this WebApplicationBuilder builder, int adminPort)
    {
        var otlp = Traces(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrEmpty(builder.Configuration["OTEL_SERVICE_NAME"]))
                    resource.AddService(ServiceName);
            })
            .WithMetrics(meters =>
            {
                meters.AddMeter(ProductMeters.MeterName, "Microsoft.Orleans", "Grpc.AspNetCore.Server", "Microsoft.AspNetCore.Server.Kestrel")
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                    meters.AddOtlpExporter();
            });
        if (!otlp)
            return;
        telemetry.WithTracing(traces =>
        {
            if (string.IsNullOrEmpty(builder.Configuration[SamplerKey]))
                traces.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(DefaultSampledShare)));
            traces
                // Scrapes and probes of the admin endpoint are not the product's traffic.
                .AddAspNetCoreInstrumentation(options => options.Filter = context => context.Connection.LocalPort != adminPort)
                .AddSource(ActivitySources.ApplicationGrainActivitySourceName)
                // The Redis connection opens with the silo, after the tracer is built: RedisConnection adds it then. The
                // key names no registered connection, so nothing is looked up before. Commands sent outside any span
                // (the cluster membership's and the reminders' polling) make no traces of their own.
                .AddRedisInstrumentation(name: null, serviceKey: typeof(RedisConnection),
                    configure: options => options.Filter = command => command.ParentActivity is not null)
                .AddOtlpExporter();
        });
    }
}
