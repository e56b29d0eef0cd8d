using Metrics.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>The redis-server fixture the Redis deployment tests stand on: killed without warning, it keeps what it acknowledged.</summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class RedisServerProcessTests
{
    [Fact]
    public async Task AcknowledgedWritesSurviveAKillAndAStartOnTheSameDirectory()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        Assert.Equal(redis.Port.ToString(), await redis.InfoAsync("tcp_port"));
        Assert.Equal("1", await redis.InfoAsync("aof_enabled"));
        var options = new ConfigurationOptions { EndPoints = { redis.ConnectionString }, AbortOnConnectFail = true, ConnectTimeout = 1000 };
        await using (var client = await ConnectionMultiplexer.ConnectAsync(options))
            Assert.True(await client.GetDatabase().StringSetAsync("survivor", "still here"));

        await redis.StopAsync();
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(options));
        await redis.StartAgainAsync();

        await using var reconnected = await ConnectionMultiplexer.ConnectAsync(options);
        Assert.Equal("still here", await reconnected.GetDatabase().StringGetAsync("survivor"));
        Assert.Equal(redis.Port.ToString(), await redis.InfoAsync("tcp_port"));
    }

    [Fact]
    public async Task InputBytesCountWhatClientsSend()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var client = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var before = long.Parse(await redis.InfoAsync("total_net_input_bytes"));

        await client.GetDatabase().StringSetAsync("big", new string('x', 100_000));

        var after = long.Parse(await redis.InfoAsync("total_net_input_bytes"));
        Assert.InRange(after - before, 100_000, 101_000);
    }
}
