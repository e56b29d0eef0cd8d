namespace Metrics.Imports.Definitions;

/// <summary>An import as its client defined it (SPEC §5), with the server's defaults filled in.</summary>
[GenerateSerializer, Immutable]
public sealed record ImportDefinition(
    string ImportId,
    string Source,
    string Query,
    string Schedule,
    int LookbackDays,
    double RestateThreshold,
    bool IsTest,
    string SignalQuery,
    int MaxRejectedRows,
    DateTimeOffset CreatedAt)
{
    public const int DefaultLookbackDays = 14;
    public const double DefaultRestateThreshold = 0.01;
}
