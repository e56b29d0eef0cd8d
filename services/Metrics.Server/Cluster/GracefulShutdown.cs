namespace Metrics.Server.Cluster;

/// <summary>
/// What <c>SIGTERM</c> does (SPEC §7): the gRPC health service answers <c>NOT_SERVING</c> at once (see
/// <see cref="SiloHealthCheck"/>), Kestrel stops accepting connections and lets the calls in flight finish, then
/// the silo leaves the cluster — its grains move to the other nodes without waiting for a failure to be
/// detected. docs/deployment.md, "Stopping a node", has the sequence.
/// </summary>
internal static class GracefulShutdown
{
    /// <summary>
    /// Time for in-flight calls and the silo's departure together: inside the 30 s that Kubernetes and
    /// docker-compose's <c>stop_grace_period</c> (set in docker-compose.yml) give before <c>SIGKILL</c>.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(25);

    public static void Apply(HostOptions options) => options.ShutdownTimeout = Timeout;
}
