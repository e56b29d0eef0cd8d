using Metrics.Domain;

namespace Metrics.Server.Configuration;

/// <summary>The project served when none is configured, so that the embedded mode works out of the box.</summary>
public static class DefaultProject
{
    public const string Name = "default";
    public const string ServerSecret = "secret-dev";
    public const string IngestKey = "ingest-dev";

    public static void ApplyTo(MetricsOptions options)
    {
        if (options.Projects.Count == 0)
            options.Projects[Name] = new ProjectOptions { ServerSecrets = [ServerSecret], IngestKeys = [IngestKey] };
        foreach (var project in options.Projects.Values.Where(p => p.IdTypes.Length == 0))
            project.IdTypes = [.. ProjectIdTypes.Defaults];
    }
}
