using System.Globalization;
using System.Text;

namespace Metrics.Server.Tests.Infrastructure;

/// <summary>
/// Random JSON-like text for the JSON endpoint, driven by a seeded <see cref="Random"/>: objects that mostly use the
/// contract's field names with values of any type, odd numbers and strings (escapes valid and invalid, control
/// characters, lone surrogates, injection-looking text), and now and then text that is not JSON at all.
/// </summary>
public sealed class RandomJson(Random random)
{
    private static readonly string[] Keys =
    [
        "metrics", "isTest", "is_test", "idempotency_key", "idempotencyKey", "user_id", "userId", "id_type", "idType",
        "metric_name", "metricName", "metric_value", "metricValue", "numerator", "denominator", "date", "timestamp", "type",
        "unknown", "", "\\u0000", "metrics\\u0000",
    ];

    private static readonly string[] StringParts =
    [
        "", "u1", "user_id", "stable_id", "metrics", "events", "2026-05-10", "2026-02-30", "9999-12-31", "NaN", "Infinity",
        "-Infinity", "1e400", "1647975283", "-1", "😀", "é", "\\ud800", "\\udc00", "\\u0000", "\\u001b", "\\n", "\\\"", "\\\\",
        "\\q", "\\u12", "\t", "\u0001", "'; DROP TABLE metrics; --", "*1\\r\\n$8\\r\\nFLUSHALL\\r\\n", "{p0}", "../../etc/passwd",
        "<script>", "%s%n", "redis.call('FLUSHALL')",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "1.5", "90", "1e308", "-1e308", "1e400", "1e-400", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1647975283", "1647975283000", "0.1e1", "01", "1.", ".5", "+1", "0x10", "NaN", "Infinity",
    ];

    public string Body() => random.Next(10) switch
    {
        0 => Value(depth: 2),
        1 => Garbage(),
        _ => Object(depth: 0),
    };

    private string Object(int depth)
    {
        var fields = Enumerable.Range(0, random.Next(0, 6)).Select(_ => $"\"{Pick(Keys)}\": {Value(depth + 1)}");
        return "{" + string.Join(", ", fields) + "}";
    }

    private string Value(int depth) => random.Next(depth >= 4 ? 5 : 8) switch
    {
        0 => Pick(Numbers),
        1 => String(),
        2 => Pick(["true", "false", "null"]),
        3 => random.NextDouble().ToString("R", CultureInfo.InvariantCulture),
        4 => String(),
        5 or 6 => Object(depth),
        _ => "[" + string.Join(", ", Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(depth + 1))) + "]",
    };

    private string String()
    {
        var text = new StringBuilder("\"");
        for (var i = random.Next(0, 4); i > 0; i--)
            text.Append(Pick(StringParts));
        if (random.Next(20) == 0)
            text.Append('x', random.Next(300, 5000));
        return text.Append('"').ToString();
    }

    private string Garbage() => random.Next(4) switch
    {
        0 => "",
        1 => new string('[', random.Next(1, 2000)),
        2 => "{\"metrics\": [" + string.Join(",", Enumerable.Repeat("{", random.Next(1, 200))),
        _ => string.Concat(Enumerable.Range(0, random.Next(1, 100)).Select(_ => (char)random.Next(1, 128))),
    };

    private string Pick(string[] values) => values[random.Next(values.Length)];
}
