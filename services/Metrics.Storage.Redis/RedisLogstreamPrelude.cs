namespace Metrics.Storage.Redis;

/// <summary>
/// Lua that a store runs in the same script as a Logstream append, just before it, so that its write and the
/// Logstream entry are stored together or not at all. It sees its own <see cref="KeyCount"/> keys and
/// <see cref="ArgumentCount"/> arguments first in KEYS and ARGV, the entry's slice bytes as the local <c>slice</c>,
/// and refuses the whole script by returning <c>{</c><see cref="RedisLogstream.PreludeRefused"/><c>, ...}</c>.
/// </summary>
internal sealed record RedisLogstreamPrelude(string Lua, int KeyCount, int ArgumentCount)
{
    public static readonly RedisLogstreamPrelude None = new("", 0, 0);
}
