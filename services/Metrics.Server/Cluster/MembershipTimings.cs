using Orleans.Configuration;

namespace Metrics.Server.Cluster;

/// <summary>
/// How fast the nodes of a Redis deployment notice a node that died, and how a node joins a cluster whose
/// membership still lists dead nodes (SPEC §7 "Failover"). docs/deployment.md, "Failover", explains each value.
/// </summary>
internal static class MembershipTimings
{
    public static void Apply(ClusterMembershipOptions options)
    {
        // A dead node is suspected after three missed probes a second apart (a killed process refuses the
        // connection at once, so probes fail fast), and declared dead by the votes of two others. A frozen one
        // (its connections open, nothing answered) is suspected once its connection has been silent for
        // MaxProbeTimeout × NumMissedProbesLimit = 6 s.
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.MaxProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);

        // A node whose heartbeat in the table is 9 s old is stale: a joining node probes it (and, when no live
        // node is left to vote, declares it dead alone) instead of waiting MaxJoinAttemptTime for it to answer.
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(3);
        options.NumMissedTableIAmAliveLimit = 3;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(3);

        // A node that cannot reach a live member in a minute stops with an error, rather than hanging for 5 minutes.
        options.MaxJoinAttemptTime = TimeSpan.FromMinutes(1);
        options.EvictWhenMaxJoinAttemptTimeExceeded = true;
    }
}
