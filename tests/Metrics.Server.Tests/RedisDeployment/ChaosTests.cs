using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using Metrics.Contracts.V1;
using Metrics.Server.Tests.Infrastructure;
using Metrics.Server.Tests.RedisDeployment.Chaos;
using Xunit.Abstractions;

namespace Metrics.Server.Tests.RedisDeployment;

/// <summary>
/// Two nodes of one cluster on Redis (append-only, fsync always). Callers send batches with idempotency keys to
/// the nodes and retry every failed call with its key; meanwhile, every few seconds, a node is killed (SIGKILL)
/// and started again on its ports or replaced by a node on new ports, or frozen (SIGSTOP) and woken (SIGCONT) —
/// perhaps after the cluster declared it dead — Redis is killed and started again, and day after day is sealed
/// while it is still being written to (<see cref="ChaosMonkey"/>, seeded). At the end every unit's stored total
/// is what the calls answered OK sent — none missing, none twice — and of a refused call only the slices its
/// refusal names as stored by an earlier attempt; every seal held: no sealed day changed after its seal was
/// acknowledged, and the watermark never moved backwards. A server failed an attempt only with UNAVAILABLE (or
/// DEADLINE_EXCEEDED) in the product's words: no client saw UNKNOWN, INTERNAL, a stack trace or Orleans' words.
/// Long run: <see cref="ChaosSettings"/>.
/// </summary>
[Trait("Category", "RedisDeployment")]
[Collection(RedisDeploymentCollection.Name)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private static readonly DateOnly FirstDay = new(2026, 1, 1);

    private readonly ChaosSettings _settings = ChaosSettings.FromEnvironment();
    private readonly ConcurrentQueue<ChaosCall> _calls = new();
    private readonly ProjectKeys _project = TestProject.Of(0);
    private readonly ConcurrentQueue<WatermarkReading> _watermarks = new();
    private readonly ConcurrentDictionary<(string Date, string Metric), MetricDay> _sealedDays = new();
    private ChaosRetry _retry = null!;
    private string[] _days = [];
    private int _sealsAcknowledged;

    [Fact]
    public async Task AcknowledgedBatchesCountOnceAndSealsHoldWhileNodesAndRedisAreKilled()
    {
        output.WriteLine($"settings: {_settings}");
        _days = Enumerable.Range(0, _settings.DayCount).Select(i => FirstDay.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray();
        await using var redis = await RedisServerProcess.StartAsync();
        await using var cluster = await ChaosCluster.StartAsync(redis, "chaos", nodes: 2);
        _retry = new ChaosRetry(() => cluster.Clients, _settings.Seed);
        var monkey = new ChaosMonkey(_settings, redis, cluster, new Random(_settings.Seed));

        using var stop = new CancellationTokenSource();
        var sealReplies = new ConcurrentQueue<MarkDataReadyResponse>();
        var tasks = Enumerable.Range(0, _settings.Callers).Select(caller => CallerAsync(caller, stop.Token))
            .Append(SealerAsync(sealReplies, stop.Token))
            .Append(WatermarkWatcherAsync(stop.Token))
            .Append(monkey.RunAsync(stop.Token))
            .ToList();
        await ChaosPause.ForAsync(_settings.Run, CancellationToken.None);
        await stop.CancelAsync();
        await Task.WhenAny(Task.WhenAll(tasks)); // every call in flight is answered, or given up on, before the checks
        var faults = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!.ToString()).ToList();
        var sealedDuringRun = _sealsAcknowledged;

        // Whatever is still open is sealed now; a late write to any sealed day must be refused.
        sealReplies.Enqueue(await SealAsync(_days[^1]));
        var lateWrites = new List<ChaosCall>();
        for (var day = 0; day < _days.Length; day++)
        {
            var late = new ChaosCall(_settings.Callers, day, day, _days[day], _days.Length);
            await SendAsync(late, day);
            lateWrites.Add(late);
        }

        var calls = _calls.ToList();
        var ledger = new ChaosLedger(calls.Concat(lateWrites));
        var mismatches = ChaosLedger.ImpossibleRefusals(calls).ToList();
        foreach (var (date, metric) in ledger.MetricDays)
        {
            mismatches.AddRange(ledger.Mismatches(date, metric, await ExportAsync(date, metric)));
            var (units, rows, sum) = ledger.Aggregate(date, metric);
            if (rows == 0)
                continue;
            var day = await GetMetricDayAsync(date, metric);
            if (day.Status != DayStatus.Finalized || day.Overall.UnitCount != units || day.Overall.RowCount != rows || day.Overall.Sum != sum)
                mismatches.Add($"{metric} {date}: {day.Status} with {day.Overall.UnitCount} units, {day.Overall.RowCount} rows, sum {day.Overall.Sum}; "
                    + $"acknowledged FINALIZED with {units} units, {rows} rows, sum {sum}");
        }
        var sealViolations = calls.Concat(lateWrites)
            .Where(c => c.DayIndex < c.SealsAcknowledgedBeforeSend && c.Outcome != ChaosOutcome.Refused)
            .Select(c => $"a write sent after its day was sealed was not refused: {c}")
            .ToList();
        foreach (var ((date, metric), atSeal) in _sealedDays.OrderBy(d => d.Key))
        {
            var now = SealedData(await GetMetricDayAsync(date, metric));
            if (!now.Equals(atSeal))
                sealViolations.Add($"{metric} {date} changed after its seal was acknowledged: {atSeal} then {now}");
        }
        sealViolations.AddRange(WatermarkReading.Backwards(_watermarks.ToList()));
        var clientVisible = _retry.ServerAnswers.Where(f => !ChaosFailure.IsRetryAnswer(f.Code, f.Detail))
            .Select(f => $"a server answered {f.Code}: \"{f.Detail}\"")
            .ToList();

        var ok = calls.Where(c => c.Outcome == ChaosOutcome.Ok).ToList();
        var refused = calls.Where(c => c.Outcome == ChaosOutcome.Refused).ToList();
        output.WriteLine($"run {_settings.Run.TotalSeconds:F0} s, {_settings.Callers} callers, seed {_settings.Seed}");
        output.WriteLine($"calls {calls.Count} ({calls.Sum(c => c.Request.Metrics.Count)} records): {ok.Count} answered OK "
            + $"({ok.Sum(c => c.Request.Metrics.Count)} records; {ok.Count(c => c.Duplicate)} as duplicates of an attempt applied before, "
            + $"{ok.Count(c => !c.Duplicate && c.Accepted < c.Request.Metrics.Count)} completing an attempt applied in part), "
            + $"{refused.Count} refused for a sealed day ({refused.Count(c => c.FailedAttempts.Count > 0)} of them after a failed attempt, "
            + $"{refused.Count(c => ChaosLedger.StoredBefore(c).Count > 0)} naming slices an earlier attempt stored), "
            + $"{calls.Count(c => c.Outcome == ChaosOutcome.Pending)} never answered");
        output.WriteLine($"faults: {string.Join(", ", Enum.GetValues<ChaosFault>().Select(f => $"{f} {monkey.Count(f)}"))}; "
            + $"woken nodes that stopped themselves {monkey.ZombiesStopped}; seals during the run {sealedDuringRun} "
            + $"(finalized_dates: {string.Join(" ", sealReplies.SelectMany(r => r.FinalizedDates))})");
        foreach (var step in monkey.Steps)
            output.WriteLine($"  {step}");
        output.WriteLine($"retries {_retry.Retries}; failed attempts: "
            + string.Join(", ", _retry.Failures.Select(f => $"{f.Code} x{f.Count} (e.g. \"{f.Example}\")")));
        output.WriteLine($"late writes to sealed days refused {lateWrites.Count(c => c.Outcome == ChaosOutcome.Refused)} of {lateWrites.Count}");
        output.WriteLine($"watermark readings {_watermarks.Count}, sealed metric-days read at their seal {_sealedDays.Count}");
        output.WriteLine($"mismatches {mismatches.Count}, seal violations {sealViolations.Count}, failures a client should not see {clientVisible.Count}");
        foreach (var line in faults.Concat(mismatches).Concat(sealViolations).Concat(clientVisible))
            output.WriteLine(line);
        var serverErrors = cluster.EveryNode.SelectMany(node => ServerCallErrors.In(node.Output)).ToList();
        output.WriteLine($"exceptions escaping the servers' handlers (answered INTERNAL or UNKNOWN): {serverErrors.Count}");
        foreach (var error in serverErrors.DistinctBy(e => e.Split('\n').ElementAtOrDefault(2)).Take(5))
            output.WriteLine(error);

        Assert.Empty(faults);
        Assert.Empty(serverErrors);
        Assert.Empty(mismatches);
        Assert.Empty(sealViolations);
        Assert.Empty(clientVisible);
        Assert.True(monkey.Count(ChaosFault.RedisRestart) >= 1, "the run had no Redis restart");
        Assert.True(monkey.Steps.Count > monkey.Count(ChaosFault.RedisRestart), "the run had no fault of a node");
        Assert.True(sealedDuringRun >= 1 && refused.Count > 0, "the run sealed no day or refused no write");
    }

    /// <summary>New batches, one after another, each for the day being sealed next, the one before or the one after.</summary>
    private async Task CallerAsync(int caller, CancellationToken stop)
    {
        await Task.Yield();
        var random = new Random(_settings.Seed + 1 + caller);
        for (var batch = 0; !stop.IsCancellationRequested; batch++)
        {
            var sealedDays = Volatile.Read(ref _sealsAcknowledged);
            var day = Math.Clamp(sealedDays - 1 + random.Next(3), 0, _days.Length - 1);
            var call = new ChaosCall(caller, batch, day, _days[day], sealedDays);
            _calls.Enqueue(call);
            await SendAsync(call, firstNode: caller + batch);
        }
    }

    private async Task SendAsync(ChaosCall call, int firstNode)
    {
        try
        {
            var reply = await _retry.CallAsync(firstNode,
                (node, deadline) => node.Ingest.LogCustomMetricAsync(call.Request, ProjectKeys.Headers(_project.IngestKey), deadline: deadline).ResponseAsync,
                call.FailedAttempts.Add);
            Assert.True(reply.Success);
            (call.Accepted, call.Duplicate, call.Outcome) = (reply.Accepted, reply.Duplicate, ChaosOutcome.Ok);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            (call.Refusal, call.Outcome) = (e.Status.Detail, ChaosOutcome.Refused);
        }
    }

    /// <summary>Seals the next day every few seconds, while the callers still write to it.</summary>
    private async Task SealerAsync(ConcurrentQueue<MarkDataReadyResponse> replies, CancellationToken stop)
    {
        while (_sealsAcknowledged < _days.Length - 3 && await ChaosPause.ForAsync(_settings.SealEvery, stop))
        {
            var date = _days[_sealsAcknowledged];
            replies.Enqueue(await SealAsync(date));
            Volatile.Write(ref _sealsAcknowledged, _sealsAcknowledged + 1);
            foreach (var metric in ChaosCall.Metrics)
                _sealedDays[(date, metric)] = SealedData(await GetMetricDayAsync(date, metric));
        }
    }

    /// <summary>Reads the watermark, one read after another, through any node.</summary>
    private async Task WatermarkWatcherAsync(CancellationToken stop)
    {
        while (await ChaosPause.ForAsync(TimeSpan.FromMilliseconds(500), stop))
        {
            var asked = DateTime.UtcNow;
            var readiness = await _retry.CallAsync(_retry.Next(2), (node, deadline) =>
                node.Readiness.GetReadinessAsync(new GetReadinessRequest(), Secret, deadline: deadline).ResponseAsync);
            _watermarks.Enqueue(new WatermarkReading(asked, DateTime.UtcNow, readiness.Watermark, "GetReadiness"));
        }
    }

    /// <summary>Seals every day up to the given one; a failed attempt is repeated with the same timestamp.</summary>
    private async Task<MarkDataReadyResponse> SealAsync(string day)
    {
        var asked = DateTime.UtcNow;
        var reply = await _retry.CallAsync(_retry.Next(2), (node, deadline) =>
            node.Readiness.MarkDataReadyAsync(new MarkDataReadyRequest { Timestamp = PacificTime.EndOf(day) }, Secret, deadline: deadline).ResponseAsync);
        _watermarks.Enqueue(new WatermarkReading(asked, DateTime.UtcNow, reply.Watermark, $"MarkDataReady({day})"));
        return reply;
    }

    /// <summary>
    /// The day without its health warnings: they are read at the time of the call (invalid records sent for the day
    /// later count), not part of what the seal fixed.
    /// </summary>
    private static MetricDay SealedData(MetricDay day)
    {
        var data = day.Clone();
        data.Health.Clear();
        return data;
    }

    private Task<MetricDay> GetMetricDayAsync(string date, string metric) =>
        _retry.CallAsync(_retry.Next(2), (node, deadline) =>
            node.Metrics.GetMetricDayAsync(new GetMetricDayRequest { MetricName = metric, Date = date }, Secret, deadline: deadline).ResponseAsync);

    /// <summary>Every unit of a finalized metric-day; none when the metric has no data that day.</summary>
    private Task<IReadOnlyDictionary<string, UnitTotal>> ExportAsync(string date, string metric) =>
        _retry.CallAsync<IReadOnlyDictionary<string, UnitTotal>>(_retry.Next(2), async (node, deadline) =>
        {
            using var export = node.Metrics.ExportMetricDay(new ExportMetricDayRequest { MetricName = metric, Date = date }, Secret, deadline: deadline);
            var units = new Dictionary<string, UnitTotal>();
            try
            {
                await foreach (var unit in export.ResponseStream.ReadAllAsync())
                    units.Add(unit.UserId, ChaosLedger.TotalOf(unit));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
            }
            return units;
        });

    private Metadata Secret => ProjectKeys.Headers(_project.ServerSecret);
}
