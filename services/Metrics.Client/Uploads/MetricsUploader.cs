using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Google.Rpc;
using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Client.Uploads;

/// <summary>
/// Sends rows as <c>LogCustomMetric</c> calls, <see cref="UploadOptions.Parallelism"/> at a time, a chunk of one day
/// each (<see cref="DayChunker"/>) under a key made of what it sends (<see cref="UploadChunk.Encode"/>). Run again over
/// the same rows after an interruption, every chunk applied before is answered <c>duplicate</c> and counted once.
/// <list type="bullet">
/// <item>A chunk refused as invalid (<c>INVALID_ARGUMENT</c>, nothing applied, its key not taken) loses the rows the
/// error names and is sent again, under the same key, until what is left is applied. The error lists at most 100
/// fields; a value it refuses in a field judged by its value alone (<c>user_id</c>, <c>id_type</c>, <c>metric_name</c>,
/// <c>date</c>) refuses every row of the chunk holding it, so a chunk whose rows share one fault (an undefined ID type,
/// a metric an import owns) takes one round, not one per 100 rows. Only one round of a chunk is ever applied, so its key
/// names that round's rows: should a later upload find more of the chunk's rows valid (a day no longer ahead, an ID
/// type or a metric's import changed since), the server refuses the key for the other body and the rows are reported
/// with that reason — never applied twice.</item>
/// <item>A chunk refused for its sealed day (<c>FAILED_PRECONDITION</c>) is late: its rows are reported with the
/// server's reason, which also names any of them an earlier attempt stored before the seal.</item>
/// <item>Any other refusal (a wrong key, a quota) ends the upload with an <see cref="UploadInterruptedException"/>;
/// <c>UNAVAILABLE</c> is retried by the client's channel first, with the same key.</item>
/// </list>
/// </summary>
public sealed class MetricsUploader
{
    private const string RecordsField = "metrics[";

    /// <summary>
    /// The fields every check of which looks at their value alone, never at the record's other fields: a value refused
    /// in one row is refused in every row. (The numbers' checks also compare them with each other.)
    /// </summary>
    private static readonly Dictionary<string, Func<MetricRecord, string>> ValueJudgedFields = new(StringComparer.Ordinal)
    {
        ["user_id"] = r => r.UserId,
        ["id_type"] = r => r.IdType,
        ["metric_name"] = r => r.MetricName,
        ["date"] = r => r.Date,
    };

    private readonly MetricsClient _client;
    private readonly UploadOptions _options;

    public MetricsUploader(MetricsClient client, UploadOptions options)
    {
        options.Validate();
        (_client, _options) = (client, options);
    }

    public async Task UploadAsync(IAsyncEnumerable<UploadRow> rows, UploadTally tally, CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var chunks = Channel.CreateBounded<UploadChunk>(new BoundedChannelOptions(_options.Parallelism) { SingleWriter = true });
        var senders = Enumerable.Range(0, _options.Parallelism).Select(_ => Task.Run(async () =>
        {
            try
            {
                await foreach (var chunk in chunks.Reader.ReadAllAsync(stop.Token))
                    await SendAsync(chunk, tally, stop.Token);
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None)).ToList();

        var reader = Task.Run(async () =>
        {
            try
            {
                await CutAsync(rows, tally, chunks.Writer, stop.Token);
                chunks.Writer.Complete();
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None);

        try
        {
            await Task.WhenAll([reader, .. senders]);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The caller's cancellation, whatever the calls it cut short threw.
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception) when (reader.Exception?.InnerException is { } unreadable)
        {
            // A source that fails (a file unreadable half-way) is the upload's end, not the calls it cut short, which
            // WhenAll may list first: it lists exceptions in the order the tasks failed.
            ExceptionDispatchInfo.Throw(unreadable);
        }
        catch (Exception) when (Refusal(senders) is { } refusal)
        {
            throw new UploadInterruptedException(tally.Report(), refusal);
        }
    }

    /// <summary>The refusal that ended the upload: not the cancellations of the other calls it caused.</summary>
    private static RpcException? Refusal(IEnumerable<Task> senders) => senders
        .Select(s => s.Exception?.InnerException).OfType<RpcException>()
        .OrderBy(e => e.StatusCode == StatusCode.Cancelled)
        .FirstOrDefault();

    private async Task CutAsync(IAsyncEnumerable<UploadRow> rows, UploadTally tally, ChannelWriter<UploadChunk> chunks, CancellationToken cancellationToken)
    {
        var chunker = new DayChunker(_options);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            tally.Read();
            foreach (var chunk in chunker.Add(row))
                await chunks.WriteAsync(chunk, cancellationToken);
        }
        foreach (var chunk in chunker.Rest())
            await chunks.WriteAsync(chunk, cancellationToken);
    }

    private async Task SendAsync(UploadChunk chunk, UploadTally tally, CancellationToken cancellationToken)
    {
        tally.Rejected(chunk.Rows.Where(r => r.Problem is not null).Select(r => new RejectedRow(r.RowNumber, r.Problem!.Field, r.Problem.Reason)));
        var rows = chunk.Sent();
        var (key, records) = chunk.Encode(rows, _options.KeyPrefix, _options.IsTest);
        while (rows.Count > 0)
        {
            try
            {
                var reply = await _client.LogAsync(new EncodedLogRequest(_options.IsTest, key, records), cancellationToken);
                if (reply.Duplicate)
                    tally.AlreadyApplied(rows.Count);
                else
                    // A success stores every record: those this call did not apply, an earlier attempt under its key had.
                    tally.Applied(reply.Accepted, appliedBefore: rows.Count - reply.Accepted);
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument && Violations(e, rows) is { Count: > 0 } violations)
            {
                var refused = Refused(violations, rows);
                tally.Rejected(refused.Select(r => new RejectedRow(rows[r.Key].RowNumber, r.Value.Field, r.Value.Reason)));
                rows = rows.Where((_, i) => !refused.ContainsKey(i)).ToList();
                records = EncodedRecords.Of(rows.Select(r => r.Record).ToList());
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition)
            {
                // A refusal of the whole call: its day sealed, or its key naming another body.
                tally.Rejected(rows.Select(r => new RejectedRow(r.RowNumber, Field(e), e.Status.Detail)));
                break;
            }
        }
        tally.ChunkAnswered();
    }

    /// <summary>The violations an INVALID_ARGUMENT names of records (<c>metrics[i].field</c>): the index in the call, the field, the reason.</summary>
    private static List<(int Index, string Field, string Reason)> Violations(RpcException e, IReadOnlyList<UploadRow> rows) =>
        (e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? [])
            .Select(v => (Index: RecordIndex(v.Field), Field: v.Field.Length > 0 && v.Field.IndexOf('.') is > 0 and var dot ? v.Field[(dot + 1)..] : v.Field, Reason: v.Description))
            .Where(v => v.Index >= 0 && v.Index < rows.Count)
            .ToList();

    /// <summary>
    /// The rows refused, by index, with their fields and reasons: those the violations name, and every other row holding
    /// a value they refuse in a field judged by its value alone, with the same reason.
    /// </summary>
    private static SortedDictionary<int, (string Field, string Reason)> Refused(List<(int Index, string Field, string Reason)> violations, List<UploadRow> rows)
    {
        var refusedValues = violations
            .Where(v => ValueJudgedFields.ContainsKey(v.Field))
            .GroupBy(v => (v.Field, Value: ValueJudgedFields[v.Field](rows[v.Index].Record)))
            .ToDictionary(g => g.Key, g => g.First().Reason);
        var named = violations.ToLookup(v => v.Index);
        var refused = new SortedDictionary<int, (string Field, string Reason)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var found = named.Contains(i)
                ? named[i].Select(v => (v.Field, v.Reason)).ToList()
                : ValueJudgedFields
                    .Where(f => refusedValues.ContainsKey((f.Key, f.Value(rows[i].Record))))
                    .Select(f => (Field: f.Key, Reason: refusedValues[(f.Key, f.Value(rows[i].Record))]))
                    .ToList();
            if (found.Count > 0)
                refused[i] = (string.Join(", ", found.Select(f => f.Field)), string.Join("; ", found.Select(f => f.Reason)));
        }
        return refused;
    }

    private static int RecordIndex(string field) =>
        field.StartsWith(RecordsField, StringComparison.Ordinal) && field.IndexOf(']') is > 0 and var end
        && int.TryParse(field.AsSpan(RecordsField.Length, end - RecordsField.Length), out var index)
            ? index
            : -1;

    private static string Field(RpcException e) => e.StatusCode == StatusCode.FailedPrecondition ? "date" : "idempotency_key";
}
