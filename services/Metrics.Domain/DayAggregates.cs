using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Metrics.Domain;

/// <summary>A metric-day's aggregate over all units, and one per ID type (ordered by ID type).</summary>
public sealed record DayAggregates(Aggregate Overall, IReadOnlyList<Aggregate> ByIdType)
{
    /// <summary>One pass over the units, each folded into the overall aggregate and its ID type's, in the order they come.</summary>
    public static DayAggregates Of(IEnumerable<KeyValuePair<UnitKey, UnitTotals>> units)
    {
        var overall = new AggregateFold();
        var byIdType = new Dictionary<string, AggregateFold>(StringComparer.Ordinal);
        string? idType = null;
        ref var current = ref Unsafe.NullRef<AggregateFold>();
        foreach (var (unit, totals) in units)
        {
            overall.Add(totals);
            // A day's units share a few ID type instances: the dictionary is asked again only when the ID type changes.
            if (!ReferenceEquals(unit.IdType, idType))
            {
                idType = unit.IdType;
                current = ref CollectionsMarshal.GetValueRefOrAddDefault(byIdType, idType, out _);
            }
            current.Add(totals);
        }
        return new DayAggregates(
            overall.ToAggregate(""),
            byIdType.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Value.ToAggregate(a.Key)).ToList());
    }
}
