namespace Metrics.Imports.Runs;

/// <summary>
/// The right to run, and to store, the run under way of one import: held by one activation of the imports grain
/// (<see cref="Owner"/>, a token of that activation alone) for one run, until <see cref="ExpiresAt"/> unless renewed.
/// </summary>
public sealed record RunLease(string Owner, string RunId, DateTimeOffset ExpiresAt)
{
    /// <summary>Whether the lease still holds at <paramref name="now"/>; once expired, another activation may take it.</summary>
    public bool LiveAt(DateTimeOffset now) => ExpiresAt > now;
}
