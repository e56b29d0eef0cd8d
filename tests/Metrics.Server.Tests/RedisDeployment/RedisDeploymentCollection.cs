namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// The Redis deployment tests start several servers and push heavy traffic: they run one class at a time, after
/// the rest of the suite, so that they neither slow the timing-sensitive tests of the shared server nor are slowed by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisDeploymentCollection
{
    public const string Name = "Redis deployment";
}
