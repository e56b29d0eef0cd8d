using System.Runtime.InteropServices;

namespace Metrics.Domain;

/// <summary>
/// A metric-day's units and their totals without an object per unit. Each unit's ID is copied into blocks of
/// characters the day's units share; its entry (hash, chain, where its ID is, its ID type's number, its totals) is a
/// struct in one array that holds no reference. So the garbage collector neither copies nor scans a day's units, and
/// a day of millions of units is a few large arrays. IDs are hashed with .NET's randomized string hash, so IDs chosen
/// to collide cannot be sent. Units are never removed: a unit's position (its order of arrival) stays its own.
/// </summary>
internal sealed class UnitTable
{
    /// <summary>Blocks grow from this many characters, doubling up to <see cref="LargestBlock"/>: a day of one unit stays small.</summary>
    private const int SmallestBlock = 64;

    private const int LargestBlock = 1 << 16;

    /// <summary>Entry index + 1 of each chain's first unit, 0 for an empty chain; a power of two long.</summary>
    private int[] _buckets = [];

    private Entry[] _entries = [];

    private readonly List<char[]> _blocks = [];

    /// <summary>Characters used in the last block.</summary>
    private int _used;

    /// <summary>One instance of each ID type for all units: a day holds millions of units but a few ID types.</summary>
    private readonly List<string> _idTypes = [];

    public int Count { get; private set; }

    /// <summary>The totals of a unit, added with zero totals if the day did not hold it: one lookup either way.</summary>
    public ref UnitTotals GetOrAdd(string idType, string id)
    {
        var hash = string.GetHashCode(id.AsSpan());
        var idTypeNumber = IdTypeNumber(idType);
        var index = Find(hash, idTypeNumber, id);
        if (index < 0)
            index = Add(hash, idTypeNumber, id);
        return ref _entries[index].Totals;
    }

    /// <summary>A unit's totals, or zero totals when the day does not hold it.</summary>
    public UnitTotals Get(string idType, string id)
    {
        var idTypeNumber = _idTypes.IndexOf(idType);
        if (idTypeNumber < 0)
            return default;
        var index = Find(string.GetHashCode(id.AsSpan()), idTypeNumber, id);
        return index < 0 ? default : _entries[index].Totals;
    }

    public string IdTypeAt(int position) => _idTypes[_entries[position].IdType];

    public ReadOnlySpan<char> IdAt(int position)
    {
        ref readonly var entry = ref _entries[position];
        return _blocks[entry.Block].AsSpan(entry.Start, entry.Length);
    }

    public UnitTotals TotalsAt(int position) => _entries[position].Totals;

    /// <summary>The unit at a position, its ID as a string of its own.</summary>
    public KeyValuePair<UnitKey, UnitTotals> UnitAt(int position) =>
        KeyValuePair.Create(new UnitKey(IdTypeAt(position), new string(IdAt(position))), TotalsAt(position));

    /// <summary>The units' positions ordered by ID type, then ID, each compared by UTF-16 code unit (ordinal).</summary>
    public int[] OrderedPositions()
    {
        var positions = new int[Count];
        for (var i = 0; i < positions.Length; i++)
            positions[i] = i;
        var idTypeOrder = IdTypeOrder();
        Array.Sort(positions, (x, y) =>
        {
            var byIdType = idTypeOrder[_entries[x].IdType].CompareTo(idTypeOrder[_entries[y].IdType]);
            return byIdType != 0 ? byIdType : IdAt(x).SequenceCompareTo(IdAt(y));
        });
        return positions;
    }

    /// <summary>Each ID type's number's rank in the ordinal order of the ID types.</summary>
    private int[] IdTypeOrder()
    {
        var numbers = Enumerable.Range(0, _idTypes.Count).OrderBy(n => _idTypes[n], StringComparer.Ordinal).ToArray();
        var rank = new int[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
            rank[numbers[i]] = i;
        return rank;
    }

    private int Find(int hash, int idTypeNumber, string id)
    {
        if (_buckets.Length == 0)
            return -1;
        var index = _buckets[hash & (_buckets.Length - 1)] - 1;
        while (index >= 0)
        {
            ref readonly var entry = ref _entries[index];
            if (entry.Hash == hash && entry.IdType == idTypeNumber && IdAt(index).SequenceEqual(id))
                return index;
            index = entry.Next;
        }
        return -1;
    }

    private int Add(int hash, int idTypeNumber, string id)
    {
        if (Count == _entries.Length)
            Grow();
        var (block, start) = Store(id);
        var index = Count++;
        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        _entries[index] = new Entry
        {
            Hash = hash,
            Next = bucket - 1,
            Block = block,
            Start = start,
            Length = id.Length,
            IdType = idTypeNumber,
        };
        bucket = index + 1;
        return index;
    }

    /// <summary>Copies an ID into the last block, or into a new one when it does not fit.</summary>
    private (int Block, int Start) Store(string id)
    {
        if (_blocks.Count == 0 || _used + id.Length > _blocks[^1].Length)
        {
            var size = _blocks.Count == 0 ? SmallestBlock : Math.Min(LargestBlock, 2 * _blocks[^1].Length);
            _blocks.Add(GC.AllocateUninitializedArray<char>(Math.Max(size, id.Length)));
            _used = 0;
        }
        id.CopyTo(_blocks[^1].AsSpan(_used));
        var start = _used;
        _used += id.Length;
        return (_blocks.Count - 1, start);
    }

    /// <summary>Doubles the entries and the chains, each entry re-chained by its kept hash.</summary>
    private void Grow()
    {
        var size = Math.Max(4, 2 * _entries.Length);
        Array.Resize(ref _entries, size);
        _buckets = new int[size];
        for (var i = 0; i < Count; i++)
        {
            ref var entry = ref _entries[i];
            ref var bucket = ref _buckets[entry.Hash & (size - 1)];
            entry.Next = bucket - 1;
            bucket = i + 1;
        }
    }

    private int IdTypeNumber(string idType)
    {
        var idTypes = CollectionsMarshal.AsSpan(_idTypes);
        for (var i = 0; i < idTypes.Length; i++)
            if (ReferenceEquals(idTypes[i], idType) || string.Equals(idTypes[i], idType))
                return i;
        _idTypes.Add(idType);
        return _idTypes.Count - 1;
    }

    private struct Entry
    {
        public int Hash;
        /// <summary>The next entry of the chain, -1 at its end.</summary>
        public int Next;
        public int Block;
        public int Start;
        public int Length;
        public int IdType;
        public UnitTotals Totals;
    }
}
