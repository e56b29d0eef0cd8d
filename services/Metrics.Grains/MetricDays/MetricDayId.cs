using Metrics.Domain;

namespace Metrics.Grains.MetricDays;

/// <summary>
/// Names the grain of one metric on one Pacific day in one project: <c>{project}/{metric}/{yyyy-MM-dd}</c>.
/// Project names hold no '/', and the day is fixed-width, so a metric name may hold any character.
/// </summary>
public readonly record struct MetricDayId(string Project, string MetricName, PacificDay Day)
{
    public string Key => $"{Project}/{MetricName}/{Day}";

    public static MetricDayId Parse(string key)
    {
        var first = key.IndexOf('/');
        var last = key.LastIndexOf('/');
        return new MetricDayId(key[..first], key[(first + 1)..last], PacificDay.Parse(key[(last + 1)..]));
    }

    public override string ToString() => Key;
}
