namespace Metrics.Testing;

/// <summary>
/// Strings that look like injection attempts — SQL, Redis keys and commands, paths, markup, format strings, shell,
/// JSON, bidirectional and astral text — yet are valid user IDs and metric names: the server must store and return
/// them verbatim, and the console must show them as text.
/// </summary>
public static class HostileStrings
{
    public static readonly string[] All =
    [
        "'; DROP TABLE metrics; --",
        "1' OR '1'='1",
        "metrics:{p0}:day:probe_metric:2026-05-10",
        "*1 $8 FLUSHALL",
        "metrics:*",
        "redis.call('FLUSHALL')",
        "../../etc/passwd",
        "a/b/2026-05-10",
        "a%2Fb",
        "<script>alert(1)</script>",
        "<img src=x onerror=\"document.title='injected'\">",
        "%s%n%x%p",
        "{0}{1:N}",
        "${jndi:ldap://example.invalid/a}",
        "$(rm -rf /); rm -rf / #",
        "{\"user_id\": \"x\"} \\\" \\u0000",
        "\u202Egnp.exe",
        "😀 ünïcödé 中文 \uFFFD",
    ];
}
