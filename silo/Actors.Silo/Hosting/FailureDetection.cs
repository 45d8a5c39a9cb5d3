using Orleans.Configuration;

namespace Actors.Silo.Hosting;

/// <summary>
/// How soon the cluster gives up on a silo that stopped answering (killed, frozen, cut off), so that its customers
/// are served again by another silo within seconds rather than after Orleans' defaults (about half a minute of
/// probes, and calls left waiting for a 30 s response timeout). Configuration under <c>Orleans:Membership</c> and
/// <c>Orleans:Messaging</c> overrides each value.
/// </summary>
public static class FailureDetection
{
    /// <summary>
    /// A grain call that has had no answer in this time fails (the API answers 503 + Retry-After). It must outlast the
    /// slowest honest call: a confirm waits for its reservation's commit, the gateway (5 s at most) and its outcome's commit.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Probes every 2 s; three missed in a row (6 s of silence) make a silo suspected, and in a cluster of two one
    /// suspicion declares it dead (Orleans never asks for more votes than half the silos). Orleans adapts each probe's
    /// timeout between 1 s and 8 s to the answers it sees and lengthens it while the prober itself is unhealthy, so a
    /// loaded machine's pauses of a second or two do not get a live silo evicted. The table is read every 10 s as well
    /// as on gossip, so a silo that missed a death declaration learns of it soon.
    /// </summary>
    public static void Membership(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 3;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(10);
    }
}
