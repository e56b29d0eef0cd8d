using Metrics.Domain;

namespace Metrics.Server.Authentication;

/// <summary>The project a caller's key belongs to, and what the key may do there.</summary>
public sealed record ProjectAccess(string Project, KeyKind Kind, ProjectIdTypes IdTypes);
