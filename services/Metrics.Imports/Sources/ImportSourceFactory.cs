using Npgsql;

namespace Metrics.Imports.Sources;

/// <summary>Opens the source a configuration describes: <c>postgres</c> or <c>files</c>.</summary>
internal sealed class ImportSourceFactory : IImportSourceFactory
{
    public IImportSource Create(string name, SourceOptions options) => options.Kind switch
    {
        SourceOptions.Postgres => new PostgresSource(name, NpgsqlDataSource.Create(options.ConnectionString!)),
        SourceOptions.Files => new FileSource(name, options.Root!),
        _ => throw new InvalidOperationException($"unknown source kind \"{options.Kind}\""),
    };

    /// <summary>Why the options cannot open a source, naming the configuration key under <paramref name="key"/>; null when they can.</summary>
    public static string? Problem(SourceOptions options, string key)
    {
        switch (options.Kind)
        {
            case SourceOptions.Postgres:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                    return $"{key}:ConnectionString is required for a postgres source";
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                }
                catch (ArgumentException)
                {
                    return $"{key}:ConnectionString is not an Npgsql connection string";
                }
                return null;
            case SourceOptions.Files:
                return string.IsNullOrWhiteSpace(options.Root) ? $"{key}:Root is required for a files source"
                    : !Directory.Exists(options.Root) ? $"{key}:Root \"{options.Root}\" is not a directory"
                    : null;
            default:
                return $"{key}:Kind must be {SourceOptions.Postgres} or {SourceOptions.Files}, got \"{options.Kind}\"";
        }
    }
}
