using Google.Protobuf.Reflection;
using Google.Rpc;
using Metrics.Grains;
using Metrics.Grains.Logstream;
using Metrics.Server;
using Metrics.Server.Authentication;
using Metrics.Server.Configuration;
using Metrics.Server.Endpoints;
using Orleans.Configuration;

var builder = WebApplication.CreateBuilder(args);
var metricsSection = builder.Configuration.GetSection(MetricsOptions.Section);
var metrics = metricsSection.Get<MetricsOptions>() ?? new MetricsOptions();
if (!string.IsNullOrEmpty(metrics.Redis))
    throw new InvalidOperationException(
        "Metrics:Redis is set, but this build serves only the embedded, single-node mode; remove Metrics:Redis to run it.");

builder.Services.AddOptions<MetricsOptions>().Bind(metricsSection).PostConfigure(DefaultProject.ApplyTo);
builder.Services.Configure<LogstreamOptions>(metricsSection.GetSection("Logstream"));
builder.Services.AddSingleton<ApiKeyRing>();
builder.Services.AddMetricsCore().AddInMemoryMetricsStorage();

builder.Services.AddGrpc(options => options.Interceptors.Add<ApiKeyInterceptor>())
    .AddJsonTranscoding(options => options.TypeRegistry = TypeRegistry.FromMessages(BadRequest.Descriptor));
builder.Services.AddGrpcReflection();
builder.Services.AddGrpcHealthChecks().AddCheck<SiloHealthCheck>("silo");

builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(metrics.Orleans.SiloPort, metrics.Orleans.GatewayPort, null, "metrics", metrics.Orleans.ClusterId);
    // A seal waits for the writes already admitted to its days before it answers.
    silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromMinutes(2));
});

var app = builder.Build();
app.Services.GetRequiredService<ApiKeyRing>(); // configuration errors stop start-up, not the first call

app.MapGrpcService<IngestEndpoint>();
app.MapGrpcService<ReadinessEndpoint>();
app.MapGrpcService<LogstreamEndpoint>();
app.MapGrpcService<MetricsEndpoint>();
app.MapGrpcReflectionService();
app.MapGrpcHealthChecksService();

app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogWarning(
    "Embedded mode: a single node keeping everything in memory; data is lost when the process stops. Listening on {Urls}",
    string.Join(", ", app.Urls)));

app.Run();
