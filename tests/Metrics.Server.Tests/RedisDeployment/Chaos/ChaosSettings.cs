using System.Globalization;

namespace Metrics.Server.Tests.RedisDeployment.Chaos;

/// <summary>
/// The size of a chaos run, small by default (the CI size) and larger through environment variables, e.g.
/// <c>METRICS_CHAOS_SECONDS=600 dotnet test tests/Metrics.Server.Tests -c Release --filter FullyQualifiedName~ChaosTests</c>;
/// <c>METRICS_CHAOS_SEED</c> repeats a run's faults (the test prints its seed).
/// </summary>
/// <param name="FreezeFor">A frozen node stays frozen a quarter of this to 1.25 times it: some wake before they are declared dead, some after.</param>
public sealed record ChaosSettings(
    TimeSpan Run, int Callers, TimeSpan KillEvery, TimeSpan SealEvery, TimeSpan RedisRestartEvery, TimeSpan RedisOutage, TimeSpan FreezeFor, int Seed)
{
    /// <summary>How long a caller keeps retrying one call before the test gives up on it.</summary>
    public static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(90);

    /// <summary>The deadline of one attempt; an attempt that passes it is retried like any other failure.</summary>
    public static readonly TimeSpan AttemptDeadline = TimeSpan.FromSeconds(20);

    public static ChaosSettings FromEnvironment()
    {
        var run = TimeSpan.FromSeconds(Number("METRICS_CHAOS_SECONDS", 30));
        return new ChaosSettings(
            run,
            (int)Number("METRICS_CHAOS_CALLERS", 4),
            TimeSpan.FromSeconds(Number("METRICS_CHAOS_KILL_SECONDS", 3)),
            TimeSpan.FromSeconds(Number("METRICS_CHAOS_SEAL_SECONDS", 3)),
            // At least once in any run: half-way through a short one, every minute in a long one.
            TimeSpan.FromSeconds(Number("METRICS_CHAOS_REDIS_RESTART_SECONDS", Math.Min(60, run.TotalSeconds / 2))),
            TimeSpan.FromSeconds(2),
            TimeSpan.FromSeconds(Number("METRICS_CHAOS_FREEZE_SECONDS", 10)),
            (int)Number("METRICS_CHAOS_SEED", Environment.TickCount));
    }

    /// <summary>Enough days for a seal every <see cref="SealEvery"/> during the run, and two more to write to.</summary>
    public int DayCount => (int)Math.Ceiling(Run / SealEvery) + 3;

    private static double Number(string variable, double fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text
            ? double.Parse(text, CultureInfo.InvariantCulture)
            : fallback;
}
