namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// The deployment the end-to-end suite runs against, from the environment variable <c>METRICS_TEST_STORAGE</c>:
/// <c>embedded</c> (the default) or <c>redis</c>, where every server the tests start keeps its data in a
/// redis-server of its own.
/// </summary>
public static class TestStorage
{
    public const string Variable = "METRICS_TEST_STORAGE";

    public static bool UsesRedis { get; } = Environment.GetEnvironmentVariable(Variable) switch
    {
        null or "" or "embedded" => false,
        "redis" => true,
        var other => throw new InvalidOperationException($"{Variable}={other} is not a storage mode: use embedded or redis"),
    };
}
