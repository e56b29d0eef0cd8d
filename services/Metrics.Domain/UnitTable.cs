using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Metrics.Domain;

/// <summary>
/// A metric-day's units and their totals without an object per unit. Each unit's ID is copied into blocks of
/// characters the day's units share; its entry (where its ID is, its ID type's number, its totals) is a struct in one
/// array that holds no reference. So the garbage collector neither copies nor scans a day's units, and a day of
/// millions of units is a few large arrays. Units are found through an open-addressing table of slots, each holding
/// a unit's hash beside its entry's index and at most half of them used, so that a new unit costs one look at its
/// slots and no look at other units' entries. IDs are hashed with .NET's randomized string hash, so IDs chosen to
/// collide cannot be sent. Units are never removed: a unit's position (its order of arrival) stays its own.
/// </summary>
internal sealed class UnitTable
{
    /// <summary>Blocks grow from this many characters, doubling up to <see cref="LargestBlock"/>: a day of one unit stays small.</summary>
    private const int SmallestBlock = 64;

    private const int LargestBlock = 1 << 16;

    /// <summary>A power of two long, at least twice the entries; probed linearly from a hash's slot.</summary>
    private Slot[] _slots = [];

    private Entry[] _entries = [];

    private readonly List<char[]> _blocks = [];

    /// <summary>Characters used in the last block.</summary>
    private int _used;

    /// <summary>One instance of each ID type for all units: a day holds millions of units but a few ID types.</summary>
    private readonly List<string> _idTypes = [];

    public int Count { get; private set; }

    /// <param name="capacity">Units to make room for at once, rounded up to a power of two; 0 for none.</param>
    public UnitTable(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxUnits);
        if (capacity == 0)
            return;
        _entries = new Entry[Math.Max(4, (int)BitOperations.RoundUpToPowerOf2((uint)capacity))];
        _slots = new Slot[2 * _entries.Length];
    }

    /// <summary>The most units a day holds: its slots, twice as many, are then as long as an array may be.</summary>
    public const int MaxUnits = 1 << 29;

    /// <summary>The totals of a unit, added with zero totals if the day did not hold it: one lookup either way.</summary>
    public ref UnitTotals GetOrAdd(string idType, string id)
    {
        var hash = string.GetHashCode(id.AsSpan());
        var idTypeNumber = IdTypeNumber(idType);
        if (_slots.Length == 0)
            Grow();
        var slot = Probe(hash, idTypeNumber, id);
        if (_slots[slot].Entry != 0)
            return ref _entries[_slots[slot].Entry - 1].Totals;
        if (Count == _entries.Length)
        {
            Grow();
            slot = Probe(hash, idTypeNumber, id);
        }
        var index = Add(idTypeNumber, id);
        _slots[slot] = new Slot(hash, index + 1);
        return ref _entries[index].Totals;
    }

    /// <summary>
    /// Asks the processor to bring a unit's first slot into its cache, where the lookup of a unit a few rows later
    /// would otherwise wait for memory: in a day of millions of units a slot is almost never cached.
    /// </summary>
    public unsafe void Prefetch(string id)
    {
        if (Sse.IsSupported && _slots.Length > 0)
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[string.GetHashCode(id.AsSpan()) & (_slots.Length - 1)]));
    }

    /// <summary>A unit's totals, or zero totals when the day does not hold it.</summary>
    public UnitTotals Get(string idType, string id)
    {
        // A unit's ID type is known once the day holds a unit, and with it the slots.
        var idTypeNumber = _idTypes.IndexOf(idType);
        if (idTypeNumber < 0)
            return default;
        var slot = _slots[Probe(string.GetHashCode(id.AsSpan()), idTypeNumber, id)];
        return slot.Entry == 0 ? default : _entries[slot.Entry - 1].Totals;
    }

    public string IdTypeAt(int position) => _idTypes[EntryAt(position).IdType];

    public ReadOnlySpan<char> IdAt(int position)
    {
        ref readonly var entry = ref EntryAt(position);
        return _blocks[entry.Block].AsSpan(entry.Start, entry.Length);
    }

    public UnitTotals TotalsAt(int position) => EntryAt(position).Totals;

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

    /// <summary>A held unit's entry: the entries past <see cref="Count"/> are spare capacity, not units.</summary>
    private ref readonly Entry EntryAt(int position)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)position, (uint)Count, nameof(position));
        return ref _entries[position];
    }

    /// <summary>The slot holding the unit, or the empty slot where it would go: the slots are never full.</summary>
    private int Probe(int hash, int idTypeNumber, string id)
    {
        var mask = _slots.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot.Entry == 0 || (slot.Hash == hash && IsUnit(slot.Entry - 1, idTypeNumber, id)))
                return i;
        }
    }

    private bool IsUnit(int index, int idTypeNumber, string id) =>
        _entries[index].IdType == idTypeNumber && IdAt(index).SequenceEqual(id);

    private int Add(int idTypeNumber, string id)
    {
        var (block, start) = Store(id);
        _entries[Count] = new Entry { Block = block, Start = start, Length = id.Length, IdType = idTypeNumber };
        return Count++;
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

    /// <summary>Doubles the entries, and the slots, each placed again by its kept hash; both or neither.</summary>
    private void Grow()
    {
        if (_entries.Length >= MaxUnits)
            throw new InvalidOperationException($"a metric-day holds at most {MaxUnits:N0} units");
        var entries = new Entry[Math.Max(4, 2 * _entries.Length)];
        var slots = new Slot[2 * entries.Length];
        var mask = slots.Length - 1;
        foreach (var slot in _slots)
        {
            if (slot.Entry == 0)
                continue;
            var i = slot.Hash & mask;
            while (slots[i].Entry != 0)
                i = (i + 1) & mask;
            slots[i] = slot;
        }
        Array.Copy(_entries, entries, Count);
        (_entries, _slots) = (entries, slots);
    }

    private int IdTypeNumber(string idType)
    {
        var idTypes = CollectionsMarshal.AsSpan(_idTypes);
        for (var i = 0; i < idTypes.Length; i++)
            if (string.Equals(idTypes[i], idType))
                return i;
        _idTypes.Add(idType);
        return _idTypes.Count - 1;
    }

    /// <param name="Entry">The unit's entry index + 1; 0 for an empty slot.</param>
    private readonly record struct Slot(int Hash, int Entry);

    private struct Entry
    {
        public int Block;
        public int Start;
        public int Length;
        public int IdType;
        public UnitTotals Totals;
    }
}
