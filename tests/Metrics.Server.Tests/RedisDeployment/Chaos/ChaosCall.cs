using Grpc.Core;
using Metrics.Contracts.V1;

namespace Metrics.Server.Tests.RedisDeployment.Chaos;

public enum ChaosOutcome
{
    Pending,
    Ok,
    Refused,
}

/// <summary>
/// One batch a caller sent, with its idempotency key, and how it was answered in the end. Every unit of a batch
/// but the caller's shared one is the batch's own, so the stored data says which batches were applied.
/// </summary>
public sealed class ChaosCall
{
    public static readonly string[] Metrics = ["chaos_a", "chaos_b", "chaos_c"];
    private const int OwnUnits = 2;

    public ChaosCall(int caller, int batch, int dayIndex, string date, int sealsAcknowledged)
    {
        Caller = caller;
        DayIndex = dayIndex;
        SealsAcknowledgedBeforeSend = sealsAcknowledged;
        Request = new LogCustomMetricRequest { IdempotencyKey = $"chaos-c{caller}-b{batch}" };
        foreach (var metric in Metrics)
        {
            for (var unit = 0; unit < OwnUnits; unit++)
                Request.Metrics.Add(Record($"c{caller}-b{batch}-u{unit}", metric, batch % 5 + unit + 1, date));
            Request.Metrics.Add(Record(SharedUnit(caller), metric, batch % 3 + 1, date));
        }
    }

    public LogCustomMetricRequest Request { get; }

    public string Key => Request.IdempotencyKey;

    public int Caller { get; }

    public int DayIndex { get; }

    /// <summary>How many days were sealed, their <c>MarkDataReady</c> answered OK, before the first attempt was sent.</summary>
    public int SealsAcknowledgedBeforeSend { get; }

    public ChaosOutcome Outcome { get; set; }

    public int Accepted { get; set; }

    public bool Duplicate { get; set; }

    public string Refusal { get; set; } = "";

    /// <summary>The status code of each failed attempt before the answer, in order.</summary>
    public List<StatusCode> FailedAttempts { get; } = [];

    public static string SharedUnit(int caller) => $"c{caller}-shared";

    public override string ToString() =>
        $"{Key} (day {Request.Metrics[0].Date}, {SealsAcknowledgedBeforeSend} seals acknowledged before it was sent, "
        + $"failed attempts [{string.Join(", ", FailedAttempts)}], answer {Outcome}"
        + (Outcome == ChaosOutcome.Ok ? $" accepted {Accepted} duplicate {Duplicate}" : "")
        + (Refusal.Length > 0 ? $": \"{Refusal}\"" : "") + ")";

    private static MetricRecord Record(string user, string metric, double value, string date) =>
        new() { UserId = user, IdType = "user_id", MetricName = metric, MetricValue = value, Date = date };
}
