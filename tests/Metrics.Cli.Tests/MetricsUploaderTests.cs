using System.Net;
using System.Net.Sockets;
using Metrics.Client;
using Metrics.Client.Uploads;
using Metrics.Contracts.V1;

namespace Metrics.Cli.Tests;

/// <summary>How an upload ends when its source fails while calls are in flight, and how it counts a chunk stored in part before.</summary>
public sealed class MetricsUploaderTests
{
    [Fact]
    public async Task A_chunk_an_earlier_attempt_stored_in_part_counts_the_rest_as_already_applied()
    {
        await using var server = await PartlyStoredServer.StartAsync(accepted: 400);
        using var client = new MetricsClient(new MetricsClientOptions { Url = server.Url, ApiKey = "secret-x" });
        var tally = new UploadTally();

        await client.UploadAsync(Rows(1000), new UploadOptions { ChunkSize = 1000 }, tally);

        var report = tally.Report();
        Assert.Equal((1000L, 400L, 600L), (tally.RowsDone, report.RowsApplied, report.RowsAlreadyApplied));
        Assert.Equal((1, 0), (report.Chunks, report.DuplicateChunks)); // not a duplicate: this call applied some
    }

    private static async IAsyncEnumerable<UploadRow> Rows(int count)
    {
        await Task.Yield();
        for (var i = 0; i < count; i++)
            yield return new UploadRow(i + 1, new MetricRecord { UserId = $"u{i}", IdType = "user_id", MetricName = "m", MetricValue = i, Date = "2026-01-01" });
    }

    [Fact]
    public async Task A_source_that_fails_with_a_call_in_flight_ends_the_upload_with_its_own_exception_not_the_cut_calls()
    {
        // A server that takes the connection and never answers: the first chunk's call is in flight until cancelled.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var connected = silent.AcceptSocketAsync();
        using var client = new MetricsClient(new MetricsClientOptions { Url = new Uri($"http://{silent.LocalEndpoint}"), ApiKey = "secret-x" });

        var failure = await Assert.ThrowsAsync<InvalidDataException>(() =>
            client.UploadAsync(RowsThenFailure(connected), new UploadOptions { ChunkSize = 1000 }, new UploadTally()));

        Assert.Equal("row 1,001 could not be read", failure.Message);
        using var socket = await connected;
    }

    /// <summary>A chunk's rows, then a failure once its call is in flight.</summary>
    private static async IAsyncEnumerable<UploadRow> RowsThenFailure(Task<Socket> callStarted)
    {
        for (var i = 0; i < 1000; i++)
        {
            yield return new UploadRow(i + 1, new MetricRecord
            {
                UserId = $"u{i}", IdType = "user_id", MetricName = "m", MetricValue = i, Date = "2026-01-01",
            });
        }
        await callStarted.WaitAsync(TimeSpan.FromSeconds(30));
        throw new InvalidDataException("row 1,001 could not be read");
    }
}
