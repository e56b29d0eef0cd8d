namespace Metrics.Server.Authentication;

public enum KeyKind
{
    /// <summary>May only ingest.</summary>
    Ingest,

    /// <summary>May do everything in its project.</summary>
    ServerSecret,
}
