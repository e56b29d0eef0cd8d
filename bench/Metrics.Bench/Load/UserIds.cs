namespace Metrics.Bench.Load;

/// <summary>Unit IDs <c>u0000000</c>, <c>u0000001</c>, ...: made once, shared by every request that names them.</summary>
public static class UserIds
{
    private static readonly Lock Gate = new();
    private static string[] _ids = [];

    public static string Of(int unit)
    {
        var ids = Volatile.Read(ref _ids);
        return unit < ids.Length ? ids[unit] : Grow(unit)[unit];
    }

    public static void Prepare(int count) => Grow(count - 1);

    private static string[] Grow(int unit)
    {
        lock (Gate)
        {
            if (unit < _ids.Length)
                return _ids;
            var ids = new string[Math.Max(unit + 1, _ids.Length * 2)];
            _ids.CopyTo(ids, 0);
            for (var i = _ids.Length; i < ids.Length; i++)
                ids[i] = $"u{i:D7}";
            Volatile.Write(ref _ids, ids);
            return ids;
        }
    }
}
