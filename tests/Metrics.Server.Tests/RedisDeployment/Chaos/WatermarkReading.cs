namespace Metrics.Server.Tests.RedisDeployment.Chaos;

/// <summary>A watermark a call answered, and when the call was sent and answered.</summary>
public sealed record WatermarkReading(DateTime Asked, DateTime Answered, long Watermark, string Call)
{
    /// <summary>
    /// One line for each reading lower than one answered before it was asked: once a client has seen a
    /// watermark, no later call may answer an older one.
    /// </summary>
    public static IReadOnlyList<string> Backwards(IReadOnlyList<WatermarkReading> readings)
    {
        var backwards = new List<string>();
        foreach (var later in readings)
        {
            var seen = readings.Where(earlier => earlier.Answered < later.Asked).MaxBy(earlier => earlier.Watermark);
            if (seen is not null && later.Watermark < seen.Watermark)
                backwards.Add($"the watermark moved backwards: {seen.Call} answered {seen.Watermark} at {seen.Answered:HH:mm:ss.fff}, "
                    + $"then {later.Call} asked at {later.Asked:HH:mm:ss.fff} answered {later.Watermark}");
        }
        return backwards;
    }
}
