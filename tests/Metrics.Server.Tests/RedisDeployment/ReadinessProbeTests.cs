using System.Net;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// SPEC §7: <c>/readyz</c> turns unready while the node's Redis is down and ready again once it is back; <c>/healthz</c>
/// stays up; the outage and the recovery are one log event each, naming Redis' address and nothing secret.
/// </summary>
[Trait("Category", "RedisDeployment")]
public sealed class ReadinessProbeTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ReadyzFollowsRedisHealthzStaysUpAndTheOutageIsLoggedOnce()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await Infrastructure.TestServers.StartOnRedisAsync(redis.ConnectionString, $"probe-{Guid.NewGuid():N}");
        using var admin = new HttpClient { BaseAddress = server.AdminAddress, Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal(HttpStatusCode.OK, await ReadyzAsync(admin));

        await redis.StopAsync();
        await UntilAsync(admin, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("up", await admin.GetStringAsync("healthz"));

        await redis.StartAgainAsync();
        await UntilAsync(admin, HttpStatusCode.OK);

        // The event of the recovery may follow the first answer by a moment.
        for (var wait = 0; wait < 40 && Occurrences(server.Output, "answers again") == 0; wait++)
            await Task.Delay(250);
        // (The health check's own "Redis is unreachable" is logged at each failing /readyz: not the event.)
        Assert.Equal(1, Occurrences(server.Output, $":{redis.Port} is unreachable"));
        Assert.Equal(1, Occurrences(server.Output, $":{redis.Port} answers again"));
    }

    private static int Occurrences(string text, string part) =>
        text.Split(part).Length - 1;

    private static async Task<HttpStatusCode> ReadyzAsync(HttpClient admin)
    {
        try
        {
            return (await admin.GetAsync("readyz")).StatusCode;
        }
        catch (TaskCanceledException)
        {
            return HttpStatusCode.RequestTimeout;
        }
    }

    private static async Task UntilAsync(HttpClient admin, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow + Within;
        HttpStatusCode last;
        while ((last = await ReadyzAsync(admin)) != wanted)
        {
            Assert.True(DateTime.UtcNow < deadline, $"/readyz answered {last}, not {wanted}, for {Within.TotalSeconds:0} s");
            await Task.Delay(250);
        }
    }
}
