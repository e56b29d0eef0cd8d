namespace Metrics.Cli.Files;

/// <summary>
/// A file the command writes once its transfer is done: created empty before the transfer starts, so that a path that
/// cannot be written (no such directory, no permission) is a usage error at once, not after the whole transfer.
/// </summary>
internal static class OutputFile
{
    /// <summary>
    /// Creates <paramref name="path"/> empty (or, for a file first written beside it, <paramref name="createAt"/>), or
    /// throws a <see cref="UsageException"/> naming <paramref name="option"/>, the path given and why not.
    /// </summary>
    public static void Create(string option, string path, string? createAt = null)
    {
        try
        {
            File.Create(createAt ?? path).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = e switch
            {
                DirectoryNotFoundException => "its directory does not exist",
                UnauthorizedAccessException => "no permission to write it",
                _ => e.Message,
            };
            throw new UsageException($"{option} {path}: cannot be written: {why}");
        }
    }
}
