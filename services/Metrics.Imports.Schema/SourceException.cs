namespace Metrics.Imports.Schema;

/// <summary>Why a source could not answer, in words for the person who defined the import (no driver's text).</summary>
public sealed class SourceException(SourceFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public SourceFailure Failure { get; } = failure;
}

public enum SourceFailure
{
    /// <summary>The source could not be reached (connection refused, timeout, authentication).</summary>
    Unavailable,
    /// <summary>The query or path is wrong: a syntax error, a missing table, a path outside the root, no file.</summary>
    Query,
    /// <summary>The rows do not have the import schema: a missing column, a column of the wrong type.</summary>
    Schema,
}
