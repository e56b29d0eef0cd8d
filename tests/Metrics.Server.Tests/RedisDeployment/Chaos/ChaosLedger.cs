using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.RedisDeployment.Chaos;

/// <summary>A unit's total in one metric-day: the sum of its values and the number of its rows.</summary>
public readonly record struct UnitTotal(double Value, long Rows)
{
    public static UnitTotal operator +(UnitTotal a, UnitTotal b) => new(a.Value + b.Value, a.Rows + b.Rows);
}

/// <summary>
/// What the stored data must be, from the client's side alone: every batch answered OK counted once, nothing of
/// a batch refused outright. A batch refused as late data after an attempt that failed with an unknown outcome
/// (README, "The seal wins every race") may have had slices stored before the seal: each of its slices is then
/// stored whole or not at all, and is counted at most once.
/// </summary>
public sealed class ChaosLedger
{
    private readonly Dictionary<(string Date, string Metric), Dictionary<string, UnitTotal>> _expected = [];
    private readonly Dictionary<(string Date, string Metric), Dictionary<string, UnitTotal>> _uncertain = [];
    private readonly Dictionary<string, ChaosCall> _callOfUnit = [];

    public ChaosLedger(IEnumerable<ChaosCall> calls)
    {
        foreach (var call in calls)
        {
            foreach (var record in call.Request.Metrics)
            {
                _callOfUnit.TryAdd(record.UserId, call);
                var metricDay = (record.Date, record.MetricName);
                var expected = Units(_expected, metricDay);
                var uncertain = Units(_uncertain, metricDay);
                var row = new UnitTotal(record.MetricValue, 1);
                if (call.Outcome == ChaosOutcome.Ok)
                    expected[record.UserId] = expected.GetValueOrDefault(record.UserId) + row;
                else if (IsUncertain(call))
                    uncertain[record.UserId] = uncertain.GetValueOrDefault(record.UserId) + row;
            }
        }
    }

    /// <summary>Refused as late data after an attempt whose outcome the client never learned.</summary>
    public static bool IsUncertain(ChaosCall call) => call.Outcome == ChaosOutcome.Refused && call.FailedAttempts.Count > 0;

    /// <summary>Every metric-day a call was sent for, answered OK or not.</summary>
    public IEnumerable<(string Date, string Metric)> MetricDays => _expected.Keys.Order();

    /// <summary>
    /// One line per unit whose stored total is not what the ledger allows, naming the batch the unit belongs to
    /// (for a caller's shared unit: every batch of it for that day may be the cause).
    /// </summary>
    public IReadOnlyList<string> Mismatches(string date, string metric, IReadOnlyDictionary<string, UnitTotal> stored)
    {
        var expected = _expected[(date, metric)];
        var uncertain = _uncertain[(date, metric)];
        var mismatches = new List<string>();
        foreach (var unit in expected.Keys.Union(uncertain.Keys).Union(stored.Keys).Order())
        {
            var want = expected.GetValueOrDefault(unit);
            var maybe = uncertain.GetValueOrDefault(unit);
            var got = stored.GetValueOrDefault(unit);
            var allowed = maybe.Rows == 0
                ? got == want
                : got.Rows >= want.Rows && got.Rows <= want.Rows + maybe.Rows && got.Value >= want.Value && got.Value <= want.Value + maybe.Value;
            if (allowed)
                continue;
            var source = !_callOfUnit.TryGetValue(unit, out var call) ? "no batch of the client has this unit"
                : unit == ChaosCall.SharedUnit(call.Caller)
                    ? "a caller's shared unit, written by each of its batches for the day"
                    : $"batch {call}";
            mismatches.Add($"{metric} {date} unit {unit}: stored {got.Value} in {got.Rows} rows, acknowledged {want.Value} in {want.Rows} rows"
                + (maybe.Rows > 0 ? $" (+ at most {maybe.Value} in {maybe.Rows} rows of uncertain batches)" : "") + $"; {source}");
        }
        return mismatches;
    }

    /// <summary>
    /// The uncertain batches of which something was stored: each slice (a batch's records of one metric) must be
    /// stored whole or not at all — its own units both present or both absent.
    /// </summary>
    public (int Stored, IReadOnlyList<string> Torn) UncertainSlices(IEnumerable<ChaosCall> calls, Func<string, string, IReadOnlyDictionary<string, UnitTotal>> storedOf)
    {
        var stored = 0;
        var torn = new List<string>();
        foreach (var call in calls.Where(IsUncertain))
        {
            var any = false;
            foreach (var slice in call.Request.Metrics.Where(r => r.UserId != ChaosCall.SharedUnit(call.Caller)).GroupBy(r => (r.Date, r.MetricName)))
            {
                var units = storedOf(slice.Key.Date, slice.Key.MetricName);
                var present = slice.Count(r => units.GetValueOrDefault(r.UserId) == new UnitTotal(r.MetricValue, 1));
                if (present != 0 && present != slice.Count())
                    torn.Add($"slice {slice.Key.MetricName} {slice.Key.Date} of {call}: {present} of {slice.Count()} own units stored");
                any |= present > 0;
            }
            if (any)
                stored++;
        }
        return (stored, torn);
    }

    /// <summary>The overall aggregate the day may have: from the acknowledged units, up to all uncertain rows too.</summary>
    public (UnitTotal Least, UnitTotal Most, long LeastUnits, long MostUnits) Aggregate(string date, string metric)
    {
        var expected = _expected[(date, metric)];
        var uncertain = _uncertain[(date, metric)];
        var least = expected.Values.Aggregate(default(UnitTotal), (a, b) => a + b);
        var most = least + uncertain.Values.Aggregate(default(UnitTotal), (a, b) => a + b);
        return (least, most, expected.Count, expected.Keys.Union(uncertain.Keys).Count());
    }

    public static UnitTotal TotalOf(UnitValue unit) => new(unit.Value, unit.RowCount);

    private static Dictionary<string, UnitTotal> Units(
        Dictionary<(string Date, string Metric), Dictionary<string, UnitTotal>> byDay, (string, string) metricDay)
    {
        if (!byDay.TryGetValue(metricDay, out var units))
            byDay[metricDay] = units = [];
        return units;
    }
}
