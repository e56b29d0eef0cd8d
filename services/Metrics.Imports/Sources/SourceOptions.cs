namespace Metrics.Imports.Sources;

/// <summary>One configured source: <c>Metrics:Projects:&lt;p&gt;:Sources:&lt;name&gt;</c>.</summary>
public sealed class SourceOptions
{
    public const string Postgres = "postgres";
    public const string Files = "files";

    /// <summary><c>postgres</c> (PostgreSQL wire protocol: PostgreSQL, Amazon Redshift) or <c>files</c> (CSV and Parquet).</summary>
    public string Kind { get; set; } = "";

    /// <summary>An Npgsql connection string, for <c>postgres</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The directory an import's paths and globs stay inside, for <c>files</c>.</summary>
    public string? Root { get; set; }
}
