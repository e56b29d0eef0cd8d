using Metrics.Client.Uploads;
using Metrics.Contracts.V1;

namespace Metrics.Cli.Tests;

/// <summary>How an upload is cut: one day a chunk, the same chunks and keys for the same rows, whatever the days' interleaving.</summary>
public sealed class DayChunkerTests
{
    private static readonly UploadOptions Options = new() { ChunkSize = 1000, MaxBufferedRows = 2500 };

    [Fact]
    public void Each_chunk_holds_one_day_and_every_row_once()
    {
        var rows = Rows(10_000, days: 7).ToList();

        var chunks = Cut(rows, Options);

        Assert.All(chunks, c => Assert.Single(c.Rows.Select(r => r.Record.Date).Distinct()));
        Assert.All(chunks, c => Assert.InRange(c.Rows.Count, 1, 1000));
        Assert.Equal(rows.Select(r => r.RowNumber).Order(), chunks.SelectMany(c => c.Rows).Select(r => r.RowNumber).Order());
    }

    [Fact]
    public void Past_the_buffer_the_largest_day_goes_out_short_and_nothing_more_is_held()
    {
        var chunker = new DayChunker(Options);
        var held = 0;
        foreach (var row in Rows(10_000, days: 7))
        {
            held += 1 - chunker.Add(row).Sum(c => c.Rows.Count);
            Assert.InRange(held, 0, Options.MaxBufferedRows);
        }
    }

    [Fact]
    public void The_same_rows_give_the_same_keys_and_other_rows_or_kind_others()
    {
        var keys = Keys(Rows(5000, days: 3), isTest: false);

        Assert.Equal(keys, Keys(Rows(5000, days: 3), isTest: false));
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Empty(keys.Intersect(Keys(Rows(5000, days: 3), isTest: true)));
        var changed = Rows(5000, days: 3).Select(r => r.RowNumber == 17 ? r with { Record = new MetricRecord(r.Record) { MetricValue = 99 } } : r);
        Assert.Single(keys.Except(Keys(changed, isTest: false)));
    }

    [Fact]
    public void A_key_names_the_day_and_the_chunks_place_in_it_and_stays_within_the_servers_bound()
    {
        var chunk = Cut(Rows(1000, days: 1), Options).Single();
        var key = chunk.Encode(chunk.Sent(), "upload", isTest: false).Key;

        Assert.Matches(@"^upload-2026-01-01-0-[0-9a-f]{32}$", key);
        Assert.True(key.Length <= 256);
    }

    private static List<string> Keys(IEnumerable<UploadRow> rows, bool isTest) => Cut(rows, Options).Select(c => c.Encode(c.Sent(), "upload", isTest).Key).ToList();

    private static List<UploadChunk> Cut(IEnumerable<UploadRow> rows, UploadOptions options)
    {
        var chunker = new DayChunker(options);
        return [.. rows.SelectMany(chunker.Add), .. chunker.Rest()];
    }

    private static IEnumerable<UploadRow> Rows(int count, int days) => Enumerable.Range(0, count).Select(i => new UploadRow(i + 1, new MetricRecord
    {
        UserId = $"u{i}", IdType = "user_id", MetricName = "m", MetricValue = i, Date = $"2026-01-{1 + (i * 7919 % days):00}",
    }));
}
