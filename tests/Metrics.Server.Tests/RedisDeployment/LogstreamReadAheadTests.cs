using Metrics.Storage.Redis;
using Metrics.Server.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// The Logstream follower's read of the stream is bounded by bytes: behind 40 batches of 1 MB, one read brings
/// the 4 MB budget (and the entry that crosses it), not all 40; the reads that follow bring the rest, in order.
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class LogstreamReadAheadTests(ITestOutputHelper output)
{
    private const int Entries = 40;
    private const int EntryBytes = 1 << 20;
    private const long Budget = 4 << 20;

    [Fact]
    public async Task OneReadBringsTheByteBudgetNotTheWholeBacklog()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();
        RedisKey stream = "metrics:{read-ahead}:logstream";
        var payload = new byte[EntryBytes];
        for (var i = 0; i < Entries; i++)
            await db.StreamAddAsync(stream, [new NameValueEntry("s", payload), new NameValueEntry("m", $"batch-{i}")]);

        var reads = new List<StreamEntry[]>();
        RedisValue last = "0-0";
        while (true)
        {
            var (read, atEnd) = await LogstreamReadAhead.ReadAfterAsync(db, stream, last, maxEntries: 1000, Budget);
            if (read.Length > 0)
            {
                reads.Add(read);
                last = read[^1].Id;
            }
            if (atEnd)
                break;
        }

        output.WriteLine($"{Entries} entries of {EntryBytes >> 20} MB in {reads.Count} reads of at most {reads.Max(r => r.Length)} entries");
        Assert.All(reads, read => Assert.InRange(read.Sum(e => ((byte[])e["s"]!).Length), 1, Budget + EntryBytes));
        Assert.True(reads.Count > 1, "one read took the whole backlog");
        Assert.Equal(Enumerable.Range(0, Entries).Select(i => $"batch-{i}"), reads.SelectMany(r => r).Select(e => (string)e["m"]!));
    }
}
