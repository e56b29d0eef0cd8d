namespace Metrics.Server.Tests.RedisDeployment.Chaos;

public static class ChaosPause
{
    /// <summary>Waits <paramref name="pause"/>; false when the run was stopped meanwhile.</summary>
    public static async Task<bool> ForAsync(TimeSpan pause, CancellationToken stop)
    {
        try
        {
            await Task.Delay(pause, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
