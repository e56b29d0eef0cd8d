using Google.Protobuf.Reflection;
using Google.Rpc;
using Metrics.Grains;
using Metrics.Grains.Logstream;
using Metrics.Grains.Readiness;
using Metrics.Imports;
using Metrics.Storage.Redis;
using Metrics.Server;
using Metrics.Server.Authentication;
using Metrics.Server.Configuration;
using Metrics.Server.Console;
using Metrics.Server.Endpoints;
using Metrics.Server.Operations;
using Metrics.Grains.Telemetry;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

// The console's files are copied beside the server's assembly, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
var metricsSection = builder.Configuration.GetSection(MetricsOptions.Section);
var metrics = metricsSection.Get<MetricsOptions>() ?? new MetricsOptions();
var deployment = Deployment.Of(metrics);

builder.Services.AddOptions<MetricsOptions>().Bind(metricsSection).PostConfigure(DefaultProject.ApplyTo).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<MetricsOptions>, QuotaOptionsValidator>();
builder.Services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
builder.Services.AddSingleton<IValidateOptions<MetricsOptions>, SourceOptionsValidator>();
builder.Services.AddSingleton<IValidateOptions<MetricsOptions>, KubernetesHostingValidator>();
builder.Services.AddSingleton<IProjectQuotas, ConfiguredQuotas>();
builder.Services.AddOptions<LogstreamOptions>().Bind(builder.Configuration.GetSection(LogstreamOptionsValidator.Section)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<LogstreamOptions>, LogstreamOptionsValidator>();
builder.Services.AddOptions<SealedDayStorageOptions>().Bind(builder.Configuration.GetSection(SealedDayStorageOptionsValidator.Section)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<SealedDayStorageOptions>, SealedDayStorageOptionsValidator>();
builder.Services.AddOptions<HealthOptions>().Bind(builder.Configuration.GetSection(HealthOptions.Section)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>();
builder.Services.AddSingleton<DayHealthReader>();
builder.Services.AddSingleton<ApiKeyRing>();
builder.Services.AddSingleton<KeyRateLimiter>();
builder.Services.AddMetricsCore();
builder.Services.AddMetricsImports();
var imports = builder.Configuration.GetSection(ImportOptions.Section);
builder.Services.AddOptions<ImportOptions>().Bind(imports).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<ImportOptions>, ImportOptionsValidator>();
builder.Services.AddSingleton<IImportProjects, ConfiguredImportProjects>();

var adminPort = AdminEndpoint.Port(builder.Configuration);
builder.AddTelemetry(adminPort);

builder.Services.AddGrpc(options =>
    {
        options.MaxReceiveMessageSize = metrics.MaxMessageBytes;
        options.Interceptors.Add<RequestMetricsInterceptor>();
        options.Interceptors.Add<ErrorInterceptor>();
        options.Interceptors.Add<ApiKeyInterceptor>();
    })
    .AddJsonTranscoding(options => options.TypeRegistry = TypeRegistry.FromMessages(BadRequest.Descriptor));
builder.Services.AddGrpcReflection();
builder.Services.AddOpenApiDescription();
var health = builder.Services.AddGrpcHealthChecks().AddCheck<SiloHealthCheck>("silo");

builder.UseOrleans(silo =>
{
    deployment.Configure(silo, builder.Services, health);
    if (Telemetry.Traces(builder.Configuration))
        silo.AddGrainTracing();
    silo.AddDashboard(); // served on the admin endpoint only
    // A seal waits for the writes already admitted to its days before it answers.
    silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromMinutes(2));
    // Reminders may tick as often as the import schedules are checked (a minute, unless configured shorter).
    silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod =
        TimeSpan.FromSeconds(Math.Min(ImportOptionsOf(imports).ScheduleCheckPeriod.TotalSeconds, 60)));
});

var app = builder.Build();
app.Services.GetRequiredService<ApiKeyRing>(); // configuration errors stop start-up, not the first call

app.MapAdmin(adminPort);
app.Use(RequestBodyLimit.Of(metrics.MaxMessageBytes));
app.Use(EncodedSlashInMetricName.DecodeAsync);
app.UseMiddleware<JsonRequestBodyCheck>();
app.MapGrpcService<IngestEndpoint>();
app.MapGrpcService<ReadinessEndpoint>();
app.MapGrpcService<LogstreamEndpoint>();
app.MapGrpcService<MetricsEndpoint>();
app.MapGrpcService<ImportEndpoint>();
app.MapGrpcReflectionService();
app.MapGrpcHealthChecksService();
app.MapConsole();

StartupReport.Register(app, deployment, developmentProject: metrics.Projects.Count == 0);

app.Run();

static ImportOptions ImportOptionsOf(IConfiguration section) => section.Get<ImportOptions>() ?? new ImportOptions();
