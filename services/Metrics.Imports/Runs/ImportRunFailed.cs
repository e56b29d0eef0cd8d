namespace Metrics.Imports.Runs;

/// <summary>Ends a run as FAILED with a message for the person who defined the import.</summary>
internal sealed class ImportRunFailed(string message) : Exception(message);
