namespace Metrics.Domain;

/// <summary>A unit: an ID of one ID type. The same user_id under two ID types is two units.</summary>
public readonly record struct UnitKey(string IdType, string UserId);
