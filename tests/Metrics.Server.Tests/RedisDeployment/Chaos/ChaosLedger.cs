using System.Text.RegularExpressions;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.RedisDeployment.Chaos;

/// <summary>A unit's total in one metric-day: the sum of its values and the number of its rows.</summary>
public readonly record struct UnitTotal(double Value, long Rows)
{
    public static UnitTotal operator +(UnitTotal a, UnitTotal b) => new(a.Value + b.Value, a.Rows + b.Rows);
}

/// <summary>
/// What the stored data must be, from the client's side alone: every batch answered OK counted once, and of a
/// refused batch only the metric-days its refusal names as stored by an earlier attempt (README, "The seal wins
/// every race").
/// </summary>
public sealed partial class ChaosLedger
{
    private readonly Dictionary<(string Date, string Metric), Dictionary<string, UnitTotal>> _expected = [];
    private readonly Dictionary<string, ChaosCall> _callOfUnit = [];

    public ChaosLedger(IEnumerable<ChaosCall> calls)
    {
        foreach (var call in calls)
        {
            var storedBefore = StoredBefore(call);
            foreach (var record in call.Request.Metrics)
            {
                _callOfUnit.TryAdd(record.UserId, call);
                var metricDay = (record.Date, record.MetricName);
                if (!_expected.TryGetValue(metricDay, out var units))
                    _expected[metricDay] = units = [];
                if (call.Outcome == ChaosOutcome.Ok || storedBefore.Contains($"{record.MetricName} on {record.Date}"))
                    units[record.UserId] = units.GetValueOrDefault(record.UserId) + new UnitTotal(record.MetricValue, 1);
            }
        }
    }

    /// <summary>The metric-days (<c>metric on date</c>) a refusal says an earlier attempt stored, and which count.</summary>
    public static IReadOnlySet<string> StoredBefore(ChaosCall call) =>
        call.Outcome == ChaosOutcome.Refused && StoredByEarlierAttempt().Match(call.Refusal) is { Success: true } match
            ? match.Groups[1].Value.Split(", ").ToHashSet()
            : new HashSet<string>();

    /// <summary>
    /// Refusals that cannot be true, whatever the data: what the call or an earlier attempt stored is of the call's
    /// own metric-days; and a call none of whose attempts failed, sent after its day's seal was acknowledged, stored
    /// nothing. (Sent before, its one attempt may have stored some slices before a seal that overtook it — a lease
    /// lost with a frozen node — refused the rest: those count, and the refusal says so.)
    /// </summary>
    public static IEnumerable<string> ImpossibleRefusals(IEnumerable<ChaosCall> calls) =>
        from call in calls
        let stored = StoredBefore(call)
        where stored.Count > 0
        let own = call.Request.Metrics.Select(r => $"{r.MetricName} on {r.Date}").ToHashSet()
        where (call.FailedAttempts.Count == 0 && call.DayIndex < call.SealsAcknowledgedBeforeSend) || !stored.IsSubsetOf(own)
        select $"refusal of batch {call} names slices stored that it cannot have stored: {call.Refusal}";

    /// <summary>Every metric-day a call was sent for, answered OK or not.</summary>
    public IEnumerable<(string Date, string Metric)> MetricDays => _expected.Keys.Order();

    /// <summary>
    /// One line per unit whose stored total differs from the ledger's, naming the batch the unit belongs to
    /// (for a caller's shared unit: every batch of it for that day may be the cause).
    /// </summary>
    public IReadOnlyList<string> Mismatches(string date, string metric, IReadOnlyDictionary<string, UnitTotal> stored)
    {
        var expected = _expected[(date, metric)];
        var mismatches = new List<string>();
        foreach (var unit in expected.Keys.Union(stored.Keys).Order())
        {
            var want = expected.GetValueOrDefault(unit);
            var got = stored.GetValueOrDefault(unit);
            if (want == got)
                continue;
            var source = !_callOfUnit.TryGetValue(unit, out var call) ? "no batch of the client has this unit"
                : unit == ChaosCall.SharedUnit(call.Caller)
                    ? "a caller's shared unit, written by each of its batches for the day"
                    : $"batch {call}";
            mismatches.Add($"{metric} {date} unit {unit}: stored {got.Value} in {got.Rows} rows, acknowledged {want.Value} in {want.Rows} rows; {source}");
        }
        return mismatches;
    }

    /// <summary>The overall aggregate the day must have, from the expected units.</summary>
    public (long Units, long Rows, double Sum) Aggregate(string date, string metric)
    {
        var units = _expected[(date, metric)].Values;
        return (units.Count, units.Sum(u => u.Rows), units.Sum(u => u.Value));
    }

    public static UnitTotal TotalOf(UnitValue unit) => new(unit.Value, unit.RowCount);

    [GeneratedRegex("stored the records of (.+), which count")]
    private static partial Regex StoredByEarlierAttempt();
}
