using Metrics.Grains;
using StackExchange.Redis;

namespace Metrics.Storage.Redis;

/// <summary>Turns "Redis is unreachable or not ready" into <see cref="StorageUnavailableException"/>, which callers may retry.</summary>
internal static class RedisGuard
{
    /// <summary>Replies of a Redis that is up but cannot serve yet (loading its append-only file, a busy script, ...).</summary>
    private static readonly string[] TransientReplies = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN"];

    public static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            // Without the client's exception as the inner one: Orleans cannot serialize StackExchange.Redis' exceptions,
            // and a grain's failure on another node would reach the caller as a CodecNotFoundException instead.
            throw new StorageUnavailableException("Redis is unavailable", Reason(e));
        }
    }

    public static Task Call(Func<Task> call) => Call(async () =>
    {
        await call();
        return true;
    });

    /// <summary>The first clause of the client's message: the rest is its connection diagnostics.</summary>
    private static string Reason(Exception e) => e.Message.Split([':', ';'], 2)[0];

    private static bool IsUnavailable(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => TransientReplies.Any(r => server.Message.StartsWith(r, StringComparison.Ordinal)),
        _ => false,
    };
}
