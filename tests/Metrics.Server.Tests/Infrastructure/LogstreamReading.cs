using System.Text.Json;
using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>Reading a Logstream subscription entry by entry.</summary>
public static class LogstreamReading
{
    /// <summary>Subscribes and waits for the response headers: from then on the subscription misses nothing.</summary>
    public static async Task<AsyncServerStreamingCall<LogstreamEntry>> SubscribeLiveAsync(
        this LogstreamService.LogstreamServiceClient logstream, SubscribeRequest request, Metadata headers, CancellationToken cancellationToken)
    {
        var call = logstream.Subscribe(request, headers, cancellationToken: cancellationToken);
        await call.ResponseHeadersAsync;
        return call;
    }

    public static async Task<List<LogstreamEntry>> TakeAsync(
        this AsyncServerStreamingCall<LogstreamEntry> call, int count, CancellationToken cancellationToken)
    {
        var entries = new List<LogstreamEntry>(count);
        while (entries.Count < count)
        {
            Assert.True(await call.ResponseStream.MoveNext(cancellationToken), $"the Logstream ended after {entries.Count} of {count} entries");
            entries.Add(call.ResponseStream.Current);
        }
        return entries;
    }

    /// <summary>
    /// Reads the JSON route's stream (one entry per line, possibly inside a JSON array) until
    /// <paramref name="entries"/> holds <paramref name="count"/> entries.
    /// </summary>
    public static async Task ReadJsonEntriesAsync(StreamReader lines, List<JsonElement> entries, int count, CancellationToken cancellationToken)
    {
        while (entries.Count < count)
        {
            var line = await lines.ReadLineAsync(cancellationToken);
            Assert.NotNull(line);
            line = line.Trim().TrimStart('[', ',').TrimEnd(']', ',');
            if (line.Length == 0)
                continue;
            using var document = JsonDocument.Parse(line);
            entries.Add(document.RootElement.Clone());
        }
    }
}
