using Metrics.Server.Configuration;

namespace Metrics.Server.Operations;

/// <summary>
/// What a node says once it serves, in one event at <c>Information</c>: the mode, each endpoint's address, and — when
/// no project is configured — the development project and its keys, which are public defaults for trying it out.
/// </summary>
internal static partial class StartupReport
{
    public static void Register(WebApplication app, Deployment deployment, bool developmentProject)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Metrics.Server");
        var configuration = app.Configuration;
        app.Lifetime.ApplicationStarted.Register(() => LogStarted(
            logger,
            deployment.Description,
            configuration["Kestrel:Endpoints:Grpc:Url"] ?? "",
            configuration["Kestrel:Endpoints:Json:Url"] ?? "",
            configuration[AdminEndpoint.UrlKey] ?? "",
            developmentProject
                ? $" No project is configured: project {DefaultProject.Name}, server secret {DefaultProject.ServerSecret}, ingest key {DefaultProject.IngestKey} (for trying it out)."
                : ""));
    }

    [LoggerMessage(EventId = 1000, EventName = "NodeStarted", Level = LogLevel.Information,
        Message = "{Deployment} gRPC on {GrpcUrl}, JSON and the console on {JsonUrl}, admin on {AdminUrl}.{DevelopmentProject}")]
    private static partial void LogStarted(ILogger logger, string deployment, string grpcUrl, string jsonUrl, string adminUrl, string developmentProject);
}
