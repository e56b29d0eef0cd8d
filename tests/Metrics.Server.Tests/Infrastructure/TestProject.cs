namespace Metrics.Server.Tests.Infrastructure;

/// <summary>One of the projects the test server is configured with, with its two keys.</summary>
public sealed record TestProject(string Name, string ServerSecret, string IngestKey)
{
    public static TestProject Of(int index) => new($"p{index}", $"secret-p{index}", $"ingest-p{index}");
}
