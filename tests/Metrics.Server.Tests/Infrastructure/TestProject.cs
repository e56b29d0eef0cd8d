namespace Metrics.Server.Tests.Infrastructure;

/// <summary>The projects every test server is configured with (<see cref="TestServers.ProjectCount"/> of them).</summary>
public static class TestProject
{
    public static ProjectKeys Of(int index) => new($"p{index}");
}
