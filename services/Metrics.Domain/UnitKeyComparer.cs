namespace Metrics.Domain;

/// <summary>
/// Units as a day's dictionary compares them: hashed by the unit ID alone (a string's hash is randomized per process,
/// so IDs chosen to collide cannot be sent), equal when both strings are. A day has a few ID types and millions of
/// IDs: hashing the ID type too would cost a second string hash a lookup to separate the few units that share an ID.
/// </summary>
internal sealed class UnitKeyComparer : IEqualityComparer<UnitKey>
{
    public static readonly UnitKeyComparer Instance = new();

    public bool Equals(UnitKey x, UnitKey y) => string.Equals(x.UserId, y.UserId) && string.Equals(x.IdType, y.IdType);

    public int GetHashCode(UnitKey unit) => unit.UserId.GetHashCode();
}
